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
 * The vault's name carries a random part kept in state, so a stack destroyed and deployed again
 * gets a new vault instead of colliding with its soft-deleted predecessor (kept 7 days).
 */
export class ApiKeyVault extends pulumi.ComponentResource {
    readonly vaultId: pulumi.Output<string>;
    /** Resource id of the secret (scope of the front end's "Key Vault Secrets User" role). */
    readonly secretId: pulumi.Output<string>;
    /** Versionless secret URI, for `@Microsoft.KeyVault(SecretUri=...)` references. */
    readonly secretUri: pulumi.Output<string>;
    /** The key callers send in `x-api-key` (secret). */
    readonly apiKey: pulumi.Output<string>;
    /** Random part of the vault name, new each time the stack is created. */
    readonly incarnation: random.RandomString;

    constructor(name: string, args: ApiKeyVaultArgs, opts?: pulumi.ComponentResourceOptions) {
        super("queuestack:azure:ApiKeyVault", name, {}, opts);
        const at = placement(args, "front-end");
        const key = new random.RandomPassword(`${name}-value`, { length: 40, special: false }, { parent: this });
        // Deleted vaults stay soft-deleted for softDeleteRetentionInDays, and their name cannot be
        // reused meanwhile (creating it again answers 409 "already exists in deleted state"):
        // https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview. A random part,
        // new with each creation of the stack, names the vault of each incarnation apart, so
        // destroy and up again works; the old vault is purged by Azure when its retention ends.
        this.incarnation = new random.RandomString(`${name}-incarnation`, { length: 6, special: false, upper: false }, { parent: this });
        const vault = new keyvault.Vault(`${name}-vault`, {
            vaultName: at.globalName(azureNames.keyVault, pulumi.interpolate`${args.uniqueScope}/${this.incarnation.result}`, "kv"),
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
