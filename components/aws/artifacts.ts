import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type AwsPlacement, placement } from "./context";

/**
 * A private, encrypted S3 bucket holding the worker bundles VM instances download at boot.
 * Public access is blocked; only roles granted s3:GetObject on one object can read it.
 */
export class ArtifactBucket extends pulumi.ComponentResource {
    readonly bucket: aws.s3.Bucket;
    readonly bucketName: pulumi.Output<string>;
    readonly bucketArn: pulumi.Output<string>;

    constructor(name: string, args: AwsPlacement = {}, opts?: pulumi.ComponentResourceOptions) {
        super("queuestack:aws:ArtifactBucket", name, {}, opts);
        const { tags } = placement(args, "artifacts");
        this.bucket = new aws.s3.Bucket(`${name}-bucket`, { forceDestroy: true, tags }, { parent: this });
        new aws.s3.BucketPublicAccessBlock(
            `${name}-no-public-access`,
            { bucket: this.bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            { parent: this },
        );
        new aws.s3.BucketServerSideEncryptionConfiguration(
            `${name}-encryption`,
            { bucket: this.bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
            { parent: this },
        );
        this.bucketName = this.bucket.bucket;
        this.bucketArn = this.bucket.arn;
        this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn });
    }
}
