import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { privateBucket } from "./bucket";
import { type AwsPlacement, placement } from "./context";

/**
 * A private, encrypted, TLS-only S3 bucket holding the worker bundles VM instances download at
 * boot. Only roles granted s3:GetObject on one object can read it.
 */
export class ArtifactBucket extends pulumi.ComponentResource {
    readonly bucket: aws.s3.Bucket;
    readonly bucketName: pulumi.Output<string>;
    readonly bucketArn: pulumi.Output<string>;

    constructor(name: string, args: AwsPlacement = {}, opts?: pulumi.ComponentResourceOptions) {
        super("queuestack:aws:ArtifactBucket", name, {}, opts);
        const { tags } = placement(args, "artifacts");
        this.bucket = privateBucket(name, tags, this);
        this.bucketName = this.bucket.bucket;
        this.bucketArn = this.bucket.arn;
        this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn });
    }
}
