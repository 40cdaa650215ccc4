import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { denyInsecureTransport, policyDocument } from "./iam";

/**
 * A private S3 bucket under `parent`: every kind of public access blocked, encrypted at rest
 * (SSE-S3) and reachable over TLS only (a bucket policy denies plain HTTP). Children are named
 * `<name>-bucket`, `<name>-no-public-access`, `<name>-encryption` and `<name>-tls-only`.
 */
export function privateBucket(name: string, tags: Record<string, string>, parent: pulumi.Resource): aws.s3.Bucket {
    const opts = { parent };
    const bucket = new aws.s3.Bucket(`${name}-bucket`, { forceDestroy: true, tags }, opts);
    const publicAccess = new aws.s3.BucketPublicAccessBlock(
        `${name}-no-public-access`,
        { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
        opts,
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
        `${name}-encryption`,
        { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
        opts,
    );
    new aws.s3.BucketPolicy(
        `${name}-tls-only`,
        {
            bucket: bucket.id,
            policy: policyDocument([denyInsecureTransport("s3", [bucket.arn, bucket.arn.apply((arn) => `${arn}/*`)])]),
        },
        // S3 refuses bucket policies while the public access block is being applied.
        { parent, dependsOn: [publicAccess] },
    );
    return bucket;
}
