import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

/** A generated API key stored in Secrets Manager; the value never appears in plain state or config. */
export function apiKeySecret(name: string, secretName: string, tags: Record<string, string>, parent: pulumi.Resource) {
    const key = new random.RandomPassword(`${name}-api-key`, { length: 40, special: false }, { parent });
    const secret = new aws.secretsmanager.Secret(
        `${name}-api-key-secret`,
        { name: secretName, description: "API key callers send as x-api-key to the queuestack front end", recoveryWindowInDays: 7, tags },
        { parent },
    );
    new aws.secretsmanager.SecretVersion(`${name}-api-key-value`, { secretId: secret.id, secretString: key.result }, { parent });
    return secret;
}
