import type { PolicyResource } from "@pulumi/policy";
import { claimCheckDeclaration, claimCheckStores } from "../lib/claim-check";
import { stackPolicy } from "../lib/policy";
import { storageAccountName, storageAccountType } from "../lib/azure-stack";
import { asList, ofType, type Props } from "../lib/stack";

/** Whether an enabled lifecycle rule deletes base blobs some days after creation or modification. */
function deletesBlobs(policy: PolicyResource): boolean {
    return asList<Props>(policy.props.policy?.rules).some((rule) => {
        const remove: Props | undefined = rule.definition?.actions?.baseBlob?.delete;
        return rule.enabled !== false && ((remove?.daysAfterCreationGreaterThan ?? 0) > 0 || (remove?.daysAfterModificationGreaterThan ?? 0) > 0);
    });
}

/**
 * A storage account holding claim-checked message bodies deletes them by a lifecycle management
 * policy (`azure-native storage.ManagementPolicy` with an enabled rule whose base blob action is
 * `delete` after N days). Applies to accounts declared as claim-check stores only.
 */
export const azureStorageAccountRequireObjectExpiration = stackPolicy({
    name: "azure-storage-account-require-object-expiration",
    description: "Storage accounts holding claim-checked message bodies delete them by a lifecycle management policy.",
    enforcementLevel: "mandatory",
    validate: ({ args, report }) => {
        const accounts = claimCheckStores(args.resources, storageAccountType);
        if (accounts.length === 0) return args.notApplicable(`No claim-check storage accounts ${claimCheckDeclaration}`);
        const policies = ofType(args.resources, "azure-native:storage:ManagementPolicy");
        for (const account of accounts) {
            const name = storageAccountName(account);
            if (policies.some((p) => p.props.accountName === name && deletesBlobs(p))) continue;
            report(
                `Storage account "${account.name}" keeps claim-checked message bodies for ever. Add an azure-native storage.ManagementPolicy for account "${name}" with an enabled rule: ` +
                    `{ type: "Lifecycle", definition: { filters: { blobTypes: ["blockBlob"] }, actions: { baseBlob: { delete: { daysAfterCreationGreaterThan: <longer than queue + dead-letter retention> } } } } }.`,
                account.urn,
            );
        }
    },
});
