import * as storage from "@pulumi/azure-native/storage";
import * as pulumi from "@pulumi/pulumi";
import type { placement } from "./context";
import { azureNames } from "./names";

/** A storage account with one private blob container, for code packages. */
export interface PrivateBlobStore {
    /** The account (names the host storage of Function Apps). */
    account: storage.StorageAccount;
    /** The private container. */
    container: storage.BlobContainer;
    /** `https://<account>.blob.core.windows.net/<container>` */
    containerUrl: pulumi.Output<string>;
}

/**
 * A StorageV2 account (TLS 1.2, HTTPS only, no public blobs, Entra ID by default in the portal)
 * with one private container. Its name is unique across Azure.
 */
export function privateBlobStore(
    name: string,
    at: ReturnType<typeof placement>,
    args: {
        /** Makes the account name unique across Azure (e.g. the resource group id). */
        uniqueScope: pulumi.Input<string>;
        /** Parts of the account name after the stack prefix. */
        nameParts: string[];
        /** The container's name. */
        containerName: string;
        /** Refuse account keys and SAS tokens (clients use Entra ID only). @default Azure's default (allowed) */
        denySharedKeyAccess?: boolean;
        /** Tags on the account besides the stack's (e.g. the claim-check store mark). @default {} */
        tags?: Record<string, string>;
    },
    parent: pulumi.Resource,
): PrivateBlobStore {
    const account = new storage.StorageAccount(`${name}-storage`, {
        accountName: at.globalName(azureNames.storageAccount, args.uniqueScope, ...args.nameParts),
        resourceGroupName: at.resourceGroupName,
        location: at.location,
        kind: "StorageV2",
        sku: { name: "Standard_LRS" },
        allowBlobPublicAccess: false,
        minimumTlsVersion: "TLS1_2",
        enableHttpsTrafficOnly: true,
        defaultToOAuthAuthentication: true,
        ...(args.denySharedKeyAccess ? { allowSharedKeyAccess: false } : {}),
        tags: { ...at.tags, ...args.tags },
    }, { parent });
    const container = new storage.BlobContainer(`${name}-${args.containerName}`, {
        accountName: account.name,
        resourceGroupName: at.resourceGroupName,
        containerName: args.containerName,
        publicAccess: "None",
    }, { parent });
    const containerUrl = pulumi.interpolate`${account.primaryEndpoints.apply((e) => e.blob)}${container.name}`;
    return { account, container, containerUrl };
}
