import type * as gcp from "@pulumi/gcp";
import type { Unwrap } from "@pulumi/pulumi";
import { claimCheckDeclaration, isClaimCheckStore } from "../lib/claim-check";
import { storageBucketType } from "../lib/gcp";
import { resourcePolicy } from "../lib/policy";

/**
 * A GCS bucket holding claim-checked message bodies can never be made public: public access
 * prevention is enforced and access is uniform (IAM only, no object ACLs). Applies to buckets
 * declared as claim-check stores only.
 */
export const gcpStorageBucketRequirePublicAccessPrevention = resourcePolicy<Unwrap<gcp.storage.BucketArgs>>({
    name: "gcp-storage-bucket-require-public-access-prevention",
    description: "GCS buckets holding claim-checked message bodies enforce public access prevention and uniform bucket-level access.",
    enforcementLevel: "mandatory",
    types: [storageBucketType],
    validate: (props, { args, report }) => {
        if (!isClaimCheckStore(props)) return args.notApplicable(`Not a claim-check store ${claimCheckDeclaration}`);
        const missing = [
            props.publicAccessPrevention === "enforced" ? "" : 'publicAccessPrevention: "enforced"',
            props.uniformBucketLevelAccess === true ? "" : "uniformBucketLevelAccess: true",
        ].filter(Boolean);
        if (missing.length > 0) {
            report(`GCS bucket "${args.name}" holds message bodies but could be made public (object ACLs or allUsers grants). Set ${missing.join(" and ")}.`);
        }
    },
});
