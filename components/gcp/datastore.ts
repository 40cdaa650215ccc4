import * as firestore from "@pulumi/gcp/firestore";
import * as pulumi from "@pulumi/pulumi";
import { type DatastoreSpec, datastoreSchema, parseSpecPart } from "../spec";
import { type GcpPlacement, gcpPlacement, childOptions } from "./context";
import { freshName } from "./fresh-name";
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
    /**
     * Keep the database, and its data, when the stack is destroyed: delete protection on and
     * `deletionPolicy: ABANDON` (Pulumi forgets it, Google keeps it). A later `pulumi up` creates a
     * new database (names carry a per-deployment suffix), so the kept one never blocks a redeploy;
     * delete it by hand once it is no longer needed.
     * @default false: destroy deletes the database, as it deletes the queues (results and
     * idempotency records expire within ttlDays anyway)
     */
    keepOnDestroy?: boolean;
}

/**
 * The datastore on Google Cloud: a Firestore database in native mode, optimistic concurrency,
 * point-in-time recovery per the spec, and a TTL policy on `expiresAt` for every collection group
 * the runtime writes. The TTL field is exempt from indexing (timestamps that only grow would make
 * a write hotspot). Destroy deletes it unless `keepOnDestroy`.
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
                name: freshName(`${name}-database-suffix`, (suffix) => physical(gcpNames.firestoreDatabase, "data", suffix), parent),
                locationId: args.locationId ?? region(),
                type: "FIRESTORE_NATIVE",
                concurrencyMode: "OPTIMISTIC",
                pointInTimeRecoveryEnablement: settings.pointInTimeRecovery ? "POINT_IN_TIME_RECOVERY_ENABLED" : "POINT_IN_TIME_RECOVERY_DISABLED",
                // https://www.pulumi.com/registry/packages/gcp/api-docs/firestore/database/ (deletionPolicy defaults to ABANDON)
                deleteProtectionState: args.keepOnDestroy ? "DELETE_PROTECTION_ENABLED" : "DELETE_PROTECTION_DISABLED",
                deletionPolicy: args.keepOnDestroy ? "ABANDON" : "DELETE",
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
