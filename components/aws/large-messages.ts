import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { claimCheckStoreMark } from "../declarations";
import { privateBucket } from "./bucket";
import { type AwsPlacement, placement } from "./context";

export interface LargeMessageBucketArgs extends AwsPlacement {
    /** Days a stored body is kept before the lifecycle rule deletes it (largeMessageExpireDays(spec)). */
    expireDays: number;
}

/**
 * The claim-check store on AWS: a private, encrypted, TLS-only S3 bucket whose lifecycle rule
 * deletes every stored body after `expireDays` (longer than any queue + DLQ retention, so no
 * message points at a deleted body). The front end may put objects, workers may get them.
 */
export class LargeMessageBucket extends pulumi.ComponentResource {
    readonly bucket: aws.s3.Bucket;
    readonly bucketName: pulumi.Output<string>;
    readonly bucketArn: pulumi.Output<string>;

    constructor(name: string, args: LargeMessageBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        super("queuestack:aws:LargeMessageBucket", name, {}, opts);
        const { tags } = placement(args, "large-messages");
        this.bucket = privateBucket(name, { ...tags, ...claimCheckStoreMark }, this);
        new aws.s3.BucketLifecycleConfiguration(
            `${name}-expiry`,
            {
                bucket: this.bucket.id,
                rules: [
                    { id: "expire-bodies", status: "Enabled", filter: {}, expiration: { days: args.expireDays } },
                    { id: "abort-incomplete-uploads", status: "Enabled", filter: {}, abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } },
                ],
            },
            { parent: this },
        );
        this.bucketName = this.bucket.bucket;
        this.bucketArn = this.bucket.arn;
        this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn });
    }
}
