import * as gcpConfig from "@pulumi/gcp/config";
import * as storage from "@pulumi/gcp/storage";
import * as pulumi from "@pulumi/pulumi";
import { claimCheckStoreMark } from "../declarations";
import { type GcpPlacement, childOptions, gcpPlacement, serviceAccountMember } from "./context";
import { gcpNames } from "./names";
import { privateBucket } from "./source-bucket";

/** Environment variable naming the bucket claim-checked bodies are kept in. */
export const blobBucketVariable = "QUEUESTACK_BLOB_BUCKET";

export interface LargeMessageBucketArgs extends GcpPlacement {
    /** Days a stored body is kept before the lifecycle rule deletes it (spec largeMessageExpireDays). */
    expireDays: number;
    /** Bucket location. @default the placement's region */
    location?: string;
}

/**
 * The claim-check store on Google Cloud: a private bucket (uniform bucket-level access, public
 * access prevention enforced, encrypted at rest with Google-managed keys) whose lifecycle rule
 * deletes bodies `expireDays` after they were written. Writers and readers are granted per
 * workload with grantBlobAccess, on this bucket only.
 */
export class LargeMessageBucket extends pulumi.ComponentResource {
    readonly bucket: storage.Bucket;
    readonly bucketName: pulumi.Output<string>;

    constructor(name: string, args: LargeMessageBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        super("queuestack:gcp:LargeMessageBucket", name, {}, opts);
        const parent = childOptions(this, opts);
        const { name: physical, labels, region } = gcpPlacement(args, "large-messages");
        this.bucket = privateBucket(
            `${name}-bucket`,
            {
                // Bucket names are global: the project id keeps them apart across projects.
                name: physical(gcpNames.storageBucket, gcpConfig.project ?? "", "bodies"),
                location: args.location ?? region(),
                lifecycleRules: [{ action: { type: "Delete" }, condition: { age: args.expireDays } }],
                labels: { ...labels, ...claimCheckStoreMark },
            },
            parent,
        );
        this.bucketName = this.bucket.name;
        this.registerOutputs({ bucketName: this.bucketName });
    }
}

/** Lets one service account write (`objectCreator`: the front end) or read (`objectViewer`: workers) bodies in `bucket` only. */
export function grantBlobAccess(
    name: string,
    bucket: pulumi.Input<string>,
    email: pulumi.Input<string>,
    role: "roles/storage.objectCreator" | "roles/storage.objectViewer",
    opts: pulumi.CustomResourceOptions,
): storage.BucketIAMMember {
    return new storage.BucketIAMMember(name, { bucket, role, member: serviceAccountMember(email) }, opts);
}
