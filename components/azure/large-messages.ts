import * as storage from "@pulumi/azure-native/storage";
import * as pulumi from "@pulumi/pulumi";
import { claimCheckStoreMark } from "../declarations";
import { type AzurePlacement, placement } from "./context";
import { grantRole } from "./roles";
import { privateBlobStore } from "./storage";

/** Name of the container holding claim-checked bodies. */
export const largeMessageContainerName = "large-messages";

/** The claim-check container as the front end and workers need it. */
export interface LargeMessageContainerRef {
    /** `https://<account>.blob.core.windows.net/large-messages`: what the BlobStore opens. */
    containerUrl: pulumi.Input<string>;
    /** Resource id of the container: the scope of the front end's and workers' blob roles. */
    containerId: pulumi.Input<string>;
}

export interface LargeMessageStoreArgs extends AzurePlacement {
    /** Days a stored body is kept before the lifecycle policy deletes it (`largeMessageExpireDays(spec)`). */
    expireDays: number;
    /** Makes the storage account name unique across Azure (e.g. the resource group id). */
    uniqueScope: pulumi.Input<string>;
}

/**
 * Claim check storage: a StorageV2 account reachable with Entra ID only (shared keys and SAS off,
 * TLS 1.2, HTTPS only, no public blobs) with one private container, and a lifecycle management
 * policy deleting its blobs `expireDays` after they were written (bodies are written once).
 */
export class LargeMessageStore extends pulumi.ComponentResource implements LargeMessageContainerRef {
    readonly accountName: pulumi.Output<string>;
    readonly containerUrl: pulumi.Output<string>;
    readonly containerId: pulumi.Output<string>;

    constructor(name: string, args: LargeMessageStoreArgs, opts?: pulumi.ComponentResourceOptions) {
        if (!Number.isInteger(args.expireDays) || args.expireDays < 1) throw new Error(`large message store "${name}": expireDays must be a positive whole number, got ${args.expireDays}`);
        super("queuestack:azure:LargeMessageStore", name, {}, opts);
        const at = placement(args, "large-messages");
        const { account, container, containerUrl } = privateBlobStore(name, at, {
            uniqueScope: args.uniqueScope, nameParts: ["large"], containerName: largeMessageContainerName, denySharedKeyAccess: true, tags: claimCheckStoreMark,
        }, this);
        new storage.ManagementPolicy(`${name}-expiry`, {
            accountName: account.name,
            resourceGroupName: at.resourceGroupName,
            // An account has one management policy, and it must be called "default".
            managementPolicyName: "default",
            policy: {
                rules: [{
                    name: "expire-large-messages",
                    enabled: true,
                    type: "Lifecycle",
                    definition: {
                        filters: { blobTypes: ["blockBlob"], prefixMatch: [`${largeMessageContainerName}/`] },
                        actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: args.expireDays } } },
                    },
                }],
            },
        }, { parent: this });
        this.accountName = account.name;
        this.containerUrl = containerUrl;
        this.containerId = container.id;
        this.registerOutputs({ accountName: this.accountName, containerUrl: this.containerUrl, containerId: this.containerId });
    }
}

/**
 * Lets a managed identity use the claim-check container: "write" (the front end, Storage Blob Data
 * Contributor) or "read" (workers, Storage Blob Data Reader), on that one container only.
 */
export function grantLargeMessageAccess(
    name: string,
    grant: {
        /** Object id of the identity. */
        principalId: pulumi.Input<string>;
        /** The container (LargeMessageStore outputs). */
        store: LargeMessageContainerRef;
        /** "write" for the front end, "read" for workers. */
        access: "write" | "read";
        /** Subscription of the built-in role definitions. */
        subscription: pulumi.Input<string>;
    },
    opts: pulumi.CustomResourceOptions,
) {
    const role = grant.access === "write" ? "storageBlobDataContributor" : "storageBlobDataReader";
    return grantRole(name, { principalId: grant.principalId, role, scope: grant.store.containerId, subscription: grant.subscription }, opts);
}
