import * as firestore from "@pulumi/gcp/firestore";
import * as pulumi from "@pulumi/pulumi";
import { type DatastoreSpec, datastoreSchema, parseSpecPart } from "../spec";
import { type GcpPlacement, gcpPlacement, childOptions } from "./context";
import { gcpNames } from "./names";

/** Collection groups the worker runtime writes: job results and idempotency records. */
export const firestoreCollections = ["results", "idempotency"] as const;
/** Timestamp field Firestore's TTL policy deletes documents by (within about a day of expiry). */
export const expiryField = "expiresAt";

export interface DatastoreArgs extends GcpPlacement {
    /** Datastore settings from the spec. @default {} (every field's default) */
    datastore?: Partial<DatastoreSpec>;
    /** Collection groups that get the TTL policy. @default firestoreCollections */
    collections?: readonly string[];
    /** Firestore location (a region or multi-region such as `eur3`). @default the placement's region */
    locationId?: string;
    /** Refuse deletion of the database (`deleteProtectionState`). @default true */
    deleteProtection?: boolean;
}

/**
 * The datastore on Google Cloud: a Firestore database in native mode, optimistic concurrency,
 * point-in-time recovery per the spec, and a TTL policy on `expiresAt` for every collection group
 * the runtime writes. The TTL field is exempt from indexing (timestamps that only grow would make
 * a write hotspot).
 */
export class Datastore extends pulumi.ComponentResource {
    readonly database: firestore.Database;
    /** Database id (what clients pass as `databaseId`). */
    readonly databaseName: pulumi.Output<string>;

    constructor(name: string, args: DatastoreArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        const settings = parseSpecPart(datastoreSchema, args.datastore ?? {}, `datastore "${name}"`);
        super("queuestack:gcp:Datastore", name, {}, opts);
        const parent = childOptions(this, opts);
        const { name: physical, region } = gcpPlacement(args, "datastore");
        this.database = new firestore.Database(
            `${name}-database`,
            {
                name: physical(gcpNames.firestoreDatabase, "data"),
                locationId: args.locationId ?? region(),
                type: "FIRESTORE_NATIVE",
                concurrencyMode: "OPTIMISTIC",
                pointInTimeRecoveryEnablement: settings.pointInTimeRecovery ? "POINT_IN_TIME_RECOVERY_ENABLED" : "POINT_IN_TIME_RECOVERY_DISABLED",
                deleteProtectionState: (args.deleteProtection ?? true) ? "DELETE_PROTECTION_ENABLED" : "DELETE_PROTECTION_DISABLED",
            },
            parent,
        );
        for (const collection of args.collections ?? firestoreCollections) {
            new firestore.Field(
                `${name}-${collection}-ttl`,
                { database: this.database.name, collection, field: expiryField, ttlConfig: {}, indexConfig: {} },
                parent,
            );
        }
        this.databaseName = this.database.name;
        this.registerOutputs({ databaseName: this.databaseName });
    }
}
