import type * as gcp from "@pulumi/gcp";
import type { Unwrap } from "@pulumi/pulumi";
import { claimCheckDeclaration, isClaimCheckStore } from "../lib/claim-check";
import { storageBucketType } from "../lib/gcp";
import { resourcePolicy } from "../lib/policy";

/**
 * A GCS bucket holding claim-checked message bodies deletes them by a lifecycle rule (`Delete`
 * after an `age` in days), so bodies of processed, expired or dead-lettered messages do not pile up
 * for ever. Applies to buckets declared as claim-check stores only.
 */
export const gcpStorageBucketRequireObjectExpiration = resourcePolicy<Unwrap<gcp.storage.BucketArgs>>({
    name: "gcp-storage-bucket-require-object-expiration",
    description: "GCS buckets holding claim-checked message bodies delete them by a lifecycle rule.",
    enforcementLevel: "mandatory",
    types: [storageBucketType],
    validate: (props, { args, report }) => {
        if (!isClaimCheckStore(props)) return args.notApplicable(`Not a claim-check store ${claimCheckDeclaration}`);
        const expires = (props.lifecycleRules ?? []).some((rule) => rule.action?.type === "Delete" && (rule.condition?.age ?? 0) > 0);
        if (!expires) {
            report(`GCS bucket "${args.name}" keeps claim-checked message bodies for ever. Add lifecycleRules: [{ action: { type: "Delete" }, condition: { age: <days, longer than queue + dead-letter retention> } }].`);
        }
    },
});
