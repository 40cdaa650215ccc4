import type * as pulumi from "@pulumi/pulumi";

/** One physical queue of a spec queue: a priority level, or the queue itself. */
export interface LevelRef {
    /** The priority level's name; absent on a queue without priorities. */
    level?: string;
    /** Share of consumer capacity (1 without priorities). */
    weight: number;
    url: pulumi.Input<string>;
    arn: pulumi.Input<string>;
    /** Physical name (CloudWatch `QueueName` dimension). */
    queueName: pulumi.Input<string>;
    /** ARN of the level's dead-letter queue. */
    deadLetterArn: pulumi.Input<string>;
    /** Physical name of the level's dead-letter queue. */
    deadLetterName: pulumi.Input<string>;
}

/** What a consumer needs to know about its queue. */
export interface QueueRef {
    /** URL of the queue, or of its default level with priorities (scopes idempotency keys). */
    url: pulumi.Input<string>;
    /** ARN of the queue, or of its default level with priorities. */
    arn: pulumi.Input<string>;
    /** Physical name (CloudWatch `QueueName` dimension). */
    queueName: pulumi.Input<string>;
    /**
     * Priority levels, highest first, when the queue has priorities: function workers get one
     * trigger per level, VM workers consume them by weight. @default undefined (one queue)
     */
    levels?: LevelRef[];
    /** Seconds before a VM worker promotes a waiting message one level up (priorities.promoteAfterSeconds). */
    promoteAfterSeconds?: number;
    /**
     * The redrive policy's `maxReceiveCount` (spec `queues[].maxReceiveCount`, the same on every
     * level): workers get it as QUEUESTACK_MAX_RECEIVE_COUNT, so a failed last attempt's settle span
     * says `dead_letter`. @default undefined (that attempt is recorded as a `nack`)
     */
    maxReceiveCount?: number;
}

/** What a worker needs to know about the datastore table. */
export interface TableRef {
    tableName: pulumi.Input<string>;
    tableArn: pulumi.Input<string>;
}

/** An S3 bucket a role reads or writes objects in. */
export interface BucketRef {
    /** The bucket's name (what the SDK's Bucket parameter takes). */
    bucketName: pulumi.Input<string>;
    /** The bucket's ARN; object grants use `<arn>/*`. */
    bucketArn: pulumi.Input<string>;
}
