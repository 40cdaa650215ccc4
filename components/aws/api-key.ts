import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

/**
 * A generated API key stored in Secrets Manager; the value never appears in plain state or config.
 *
 * The secret is named `<namePrefix>-<generated suffix>`: a deleted secret keeps its name for its
 * recovery window (7 days here), so a fixed name would make destroy-then-deploy within a week fail
 * with "already scheduled for deletion" (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DeleteSecret.html).
 * Find it by the stack output `apiKeySecret` (its ARN).
 */
export function apiKeySecret(name: string, namePrefix: string, tags: Record<string, string>, parent: pulumi.Resource) {
    const key = new random.RandomPassword(`${name}-api-key`, { length: 40, special: false }, { parent });
    const secret = new aws.secretsmanager.Secret(
        `${name}-api-key-secret`,
        { namePrefix: `${namePrefix}-`, description: "API key callers send as x-api-key to the queuestack front end", recoveryWindowInDays: 7, tags },
        { parent },
    );
    new aws.secretsmanager.SecretVersion(`${name}-api-key-value`, { secretId: secret.id, secretString: key.result }, { parent });
    return secret;
}
