import * as keyvault from "@pulumi/azure-native/keyvault";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { type AzurePlacement, placement } from "./context";
import { azureNames } from "./names";

export interface ApiKeyVaultArgs extends AzurePlacement {
    /** Entra ID tenant of the vault (from the provider's client config). */
    tenantId: pulumi.Input<string>;
    /** Makes the vault name unique across Azure (e.g. the resource group id). */
    uniqueScope: pulumi.Input<string>;
}

/**
 * A generated API key stored as a Key Vault secret in an RBAC-mode vault. The key is a Pulumi
 * secret in state; the front end reads it through a Key Vault reference, never as plain text.
 */
export class ApiKeyVault extends pulumi.ComponentResource {
    readonly vaultId: pulumi.Output<string>;
    /** Resource id of the secret (scope of the front end's "Key Vault Secrets User" role). */
    readonly secretId: pulumi.Output<string>;
    /** Versionless secret URI, for `@Microsoft.KeyVault(SecretUri=...)` references. */
    readonly secretUri: pulumi.Output<string>;
    /** The key callers send in `x-api-key` (secret). */
    readonly apiKey: pulumi.Output<string>;

    constructor(name: string, args: ApiKeyVaultArgs, opts?: pulumi.ComponentResourceOptions) {
        super("queuestack:azure:ApiKeyVault", name, {}, opts);
        const at = placement(args, "front-end");
        const key = new random.RandomPassword(`${name}-value`, { length: 40, special: false }, { parent: this });
        const vault = new keyvault.Vault(`${name}-vault`, {
            vaultName: at.globalName(azureNames.keyVault, args.uniqueScope, "kv"),
            resourceGroupName: at.resourceGroupName,
            location: at.location,
            properties: {
                tenantId: args.tenantId,
                sku: { family: "A", name: "standard" },
                enableRbacAuthorization: true,
                enableSoftDelete: true,
                softDeleteRetentionInDays: 7,
            },
            tags: at.tags,
        }, { parent: this });
        const secret = new keyvault.Secret(`${name}-secret`, {
            vaultName: vault.name,
            resourceGroupName: at.resourceGroupName,
            secretName: at.name(azureNames.keyVaultSecret, "api-key"),
            properties: { value: key.result, contentType: "text/plain" },
        }, { parent: this, additionalSecretOutputs: ["properties"] });
        this.vaultId = vault.id;
        this.secretId = secret.id;
        this.secretUri = secret.properties.apply((p) => p.secretUri);
        this.apiKey = pulumi.secret(key.result);
        this.registerOutputs({ vaultId: this.vaultId, secretUri: this.secretUri });
    }
}
