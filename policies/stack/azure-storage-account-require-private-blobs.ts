import { claimCheckDeclaration, claimCheckStores } from "../lib/claim-check";
import { stackPolicy } from "../lib/policy";
import { ofType } from "../lib/stack";
import { storageAccountName, storageAccountType } from "../lib/azure-stack";

/**
 * A storage account holding claim-checked message bodies refuses anonymous access: the account sets
 * `allowBlobPublicAccess: false` and none of its containers asks for `Blob` or `Container` public
 * access. Applies to accounts declared as claim-check stores only.
 */
export const azureStorageAccountRequirePrivateBlobs = stackPolicy({
    name: "azure-storage-account-require-private-blobs",
    description: "Storage accounts holding claim-checked message bodies allow no anonymous blob access.",
    enforcementLevel: "mandatory",
    validate: ({ args, report }) => {
        const accounts = claimCheckStores(args.resources, storageAccountType);
        if (accounts.length === 0) return args.notApplicable(`No claim-check storage accounts ${claimCheckDeclaration}`);
        const containers = ofType(args.resources, "azure-native:storage:BlobContainer");
        for (const account of accounts) {
            const name = storageAccountName(account);
            if (account.props.allowBlobPublicAccess !== false) {
                report(`Storage account "${account.name}" holds message bodies but does not forbid anonymous blob access. Set allowBlobPublicAccess: false.`, account.urn);
            }
            for (const container of containers.filter((c) => c.props.accountName === name && c.props.publicAccess !== undefined && c.props.publicAccess !== "None")) {
                report(`Blob container "${container.name}" in claim-check storage account "${name}" is readable anonymously (publicAccess: "${container.props.publicAccess}"). Set publicAccess: "None" or remove it.`, container.urn);
            }
        }
    },
});
