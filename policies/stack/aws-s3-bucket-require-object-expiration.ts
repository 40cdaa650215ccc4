import { refersToBucket, s3BucketTypes } from "../lib/aws-s3";
import { claimCheckDeclaration, claimCheckStores } from "../lib/claim-check";
import { stackPolicy } from "../lib/policy";
import { asList, ofType, type Props } from "../lib/stack";

/** Whether lifecycle rules (a configuration's `rules` with `status`, or a bucket's inline `lifecycleRules` with `enabled`) expire current objects. */
const expiresObjects = (rules: unknown) =>
    asList<Props>(rules as Props[]).some((rule) => (rule.status === "Enabled" || rule.enabled === true) && (rule.expiration?.days ?? 0) > 0);

/**
 * An S3 bucket holding claim-checked message bodies expires them by a lifecycle rule (an enabled
 * rule with `expiration.days`), inline or as an `aws.s3.BucketLifecycleConfiguration`. Applies to
 * buckets declared as claim-check stores only.
 */
export const awsS3BucketRequireObjectExpiration = stackPolicy({
    name: "aws-s3-bucket-require-object-expiration",
    description: "S3 buckets holding claim-checked message bodies expire them by a lifecycle rule.",
    enforcementLevel: "mandatory",
    validate: ({ args, report }) => {
        const buckets = claimCheckStores(args.resources, ...s3BucketTypes);
        if (buckets.length === 0) return args.notApplicable(`No claim-check S3 buckets ${claimCheckDeclaration}`);
        const configurations = ofType(args.resources, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2");
        for (const bucket of buckets) {
            if (expiresObjects(bucket.props.lifecycleRules)) continue;
            if (configurations.some((c) => refersToBucket(bucket, c.props.bucket) && expiresObjects(c.props.rules))) continue;
            report(
                `S3 bucket "${bucket.name}" keeps claim-checked message bodies for ever. Add an aws.s3.BucketLifecycleConfiguration with ` +
                    `rules: [{ id: "expire-bodies", status: "Enabled", filter: {}, expiration: { days: <longer than queue + dead-letter retention> } }].`,
                bucket.urn,
            );
        }
    },
});
