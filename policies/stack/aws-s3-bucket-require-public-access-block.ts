import { claimCheckDeclaration, claimCheckStores } from "../lib/claim-check";
import { stackPolicy } from "../lib/policy";
import { ofType } from "../lib/stack";
import { refersToBucket, s3BucketTypes } from "../lib/aws-s3";

const flags = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;

/**
 * An S3 bucket holding claim-checked message bodies can never be made public: an
 * `aws.s3.BucketPublicAccessBlock` turns on all four blocks. Applies to buckets declared as
 * claim-check stores only.
 */
export const awsS3BucketRequirePublicAccessBlock = stackPolicy({
    name: "aws-s3-bucket-require-public-access-block",
    description: "S3 buckets holding claim-checked message bodies block every form of public access.",
    enforcementLevel: "mandatory",
    validate: ({ args, report }) => {
        const buckets = claimCheckStores(args.resources, ...s3BucketTypes);
        if (buckets.length === 0) return args.notApplicable(`No claim-check S3 buckets ${claimCheckDeclaration}`);
        const blocks = ofType(args.resources, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
        for (const bucket of buckets) {
            const block = blocks.find((b) => refersToBucket(bucket, b.props.bucket));
            const off = flags.filter((flag) => block?.props[flag] !== true);
            if (off.length === 0) continue;
            report(
                `S3 bucket "${bucket.name}" holds message bodies but ${block ? `its public access block leaves ${off.join(", ")} off` : "has no public access block"}. ` +
                    `Add an aws.s3.BucketPublicAccessBlock for it with ${flags.map((f) => `${f}: true`).join(", ")}.`,
                bucket.urn,
            );
        }
    },
});
