import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { DatastoreSpec } from "../spec";
import { datastoreSchema, parseSpecPart } from "../spec";
import { type AwsPlacement, placement } from "./context";
import { awsNames } from "./names";

export interface DatastoreArgs extends AwsPlacement {
    /** Datastore settings from the spec. @default {} (every field's default) */
    datastore?: Partial<DatastoreSpec>;
}

/** Partition key of every item (job results and idempotency records share the table). */
export const partitionKey = "pk";
/** Epoch-seconds attribute DynamoDB's TTL deletes by (lazily: readers filter expired items). */
export const expiryAttribute = "expiresAt";

/**
 * The datastore: a DynamoDB table, on demand, with TTL on `expiresAt`, point-in-time recovery and
 * encryption at rest under the AWS managed key.
 */
export class Datastore extends pulumi.ComponentResource {
    readonly table: aws.dynamodb.Table;
    readonly tableName: pulumi.Output<string>;
    readonly tableArn: pulumi.Output<string>;

    constructor(name: string, args: DatastoreArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        const settings = parseSpecPart(datastoreSchema, args.datastore ?? {}, `datastore "${name}"`);
        super("queuestack:aws:Datastore", name, {}, opts);
        const { name: physical, tags } = placement(args, "datastore");
        this.table = new aws.dynamodb.Table(
            `${name}-table`,
            {
                name: physical(awsNames.dynamodbTable, "data"),
                billingMode: "PAY_PER_REQUEST",
                hashKey: partitionKey,
                attributes: [{ name: partitionKey, type: "S" }],
                ttl: { attributeName: expiryAttribute, enabled: true },
                pointInTimeRecovery: { enabled: settings.pointInTimeRecovery },
                serverSideEncryption: { enabled: true },
                tags,
            },
            { parent: this },
        );
        this.tableName = this.table.name;
        this.tableArn = this.table.arn;
        this.registerOutputs({ tableName: this.tableName, tableArn: this.tableArn });
    }
}
