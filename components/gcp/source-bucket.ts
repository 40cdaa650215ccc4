import * as gcpConfig from "@pulumi/gcp/config";
import * as storage from "@pulumi/gcp/storage";
import * as pulumi from "@pulumi/pulumi";
import { type GcpPlacement, gcpPlacement, childOptions } from "./context";
import { gcpNames } from "./names";

export interface SourceBucketArgs extends GcpPlacement {
    /** Bucket location. @default the placement's region */
    location?: string;
}

/**
 * A private bucket: uniform bucket-level access (no object ACLs), public access prevention
 * enforced, encrypted at rest with Google-managed keys, emptied on destroy. `args` adds the
 * name, location, lifecycle rules and anything else the role needs.
 */
export function privateBucket(name: string, args: storage.BucketArgs, opts: pulumi.CustomResourceOptions): storage.Bucket {
    return new storage.Bucket(name, { ...args, uniformBucketLevelAccess: true, publicAccessPrevention: "enforced", forceDestroy: true }, opts);
}

/**
 * A private bucket holding function source archives and VM worker bundles: uniform bucket-level
 * access, public access prevented, old objects cleaned up. Readers are granted per workload.
 */
export class SourceBucket extends pulumi.ComponentResource {
    readonly bucket: storage.Bucket;
    readonly bucketName: pulumi.Output<string>;

    constructor(name: string, args: SourceBucketArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        super("queuestack:gcp:SourceBucket", name, {}, opts);
        const parent = childOptions(this, opts);
        const { name: physical, labels, region } = gcpPlacement(args, "source");
        this.bucket = privateBucket(
            `${name}-bucket`,
            {
                // Bucket names are global: the project id keeps them apart across projects.
                name: physical(gcpNames.storageBucket, gcpConfig.project ?? "", "source"),
                location: args.location ?? region(),
                lifecycleRules: [{ action: { type: "Delete" }, condition: { daysSinceNoncurrentTime: 7, withState: "ARCHIVED" } }],
                versioning: { enabled: true },
                labels,
            },
            parent,
        );
        this.bucketName = this.bucket.name;
        this.registerOutputs({ bucketName: this.bucketName });
    }
}
