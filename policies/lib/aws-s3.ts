import type { PolicyResource } from "@pulumi/policy";

/** S3 bucket types: `aws.s3.Bucket` and the deprecated `aws.s3.BucketV2`. */
export const s3BucketTypes = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];

/** Whether a resource that names a bucket (its `bucket` property) refers to this one, by name or id. */
export function refersToBucket(bucket: PolicyResource, reference: unknown): boolean {
    return reference !== undefined && [bucket.props.bucket, bucket.props.id].includes(reference);
}
