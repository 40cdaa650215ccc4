import { z } from "zod";
import { logicalName } from "./names";
import { bodyPath, prioritiesSchema } from "./pattern-schema";

const seconds = (min: number, max: number) => z.number().int().min(min).max(max);

/** Where messages go after `maxReceiveCount` failed deliveries. */
export const deadLetterSchema = z
    .strictObject({
        /**
         * How long a dead-lettered message is kept, in days. Must be longer than the source queue's
         * `retentionDays`, so a message is never dropped before someone can look at it.
         * @default 14
         * - aws: the DLQ's `MessageRetentionPeriod` (1-14 days; SQS keeps the original enqueue time)
         * - azure: the `$deadletterqueue` keeps messages until they are read (no expiry)
         * - gcp: the dead-letter subscription's `messageRetentionDuration` (up to 31 days)
         * - local: rows in the DLQ table older than this are purged
         */
        retentionDays: z.number().int().min(1).max(365).default(14)
            .describe("Days a dead-lettered message is kept; must exceed the queue's retentionDays. Default 14."),
    })
    .describe("The queue's dead-letter queue.");

/** One work queue with its dead-letter queue. */
export const queueSchema = z
    .strictObject({
        /** Logical name, unique in the spec; physical names derive from `<spec.name>-<name>`. */
        name: logicalName("Queue name", 30),
        /**
         * Delivery order. `fifo` delivers messages with the same group key in order, one at a time.
         * @default "none"
         * - aws: `fifo` makes FIFO queues (`.fifo` suffix, FIFO DLQ, per-group throughput)
         * - azure: `fifo` turns on sessions (`requiresSession`), the group key is the session id
         * - gcp: `fifo` turns on `enableMessageOrdering`, the group key is the ordering key
         * - local: one in-flight message per group
         */
        ordering: z.enum(["none", "fifo"]).default("none")
            .describe("none | fifo (in order per group key). Default none."),
        /**
         * Duplicate suppression at the queue. `content`: same body within the window is dropped;
         * `messageId`: the sender's deduplication id decides. Omit for none (workers still run
         * behind the idempotency guard).
         * @default "content" for fifo queues, none otherwise
         * - aws: FIFO only; `content` = `ContentBasedDeduplication` (5 minute window)
         * - azure: `requiresDuplicateDetection` (10 minute window), message id = hash or dedup id
         * - gcp: `enableExactlyOnceDelivery` on the subscription
         */
        deduplication: z.enum(["content", "messageId"]).optional()
            .describe("content | messageId. Default content for fifo queues, none otherwise."),
        /**
         * How long one delivery may take to process, in seconds. The visibility timeout / lock /
         * ack deadline derive from it: 6 x max(this, the consuming workers' timeouts), capped per cloud.
         * @default 30
         */
        processingTimeSeconds: seconds(1, 43_200).default(30)
            .describe("Seconds one delivery may take; visibility/lock/ack deadline derive from it (x6, capped per cloud). Default 30."),
        /**
         * Overrides the derived visibility timeout, in seconds.
         * @default derived (see processingTimeSeconds)
         * - aws: `VisibilityTimeout` (max 43,200) - azure: `lockDuration` (max 300, lock renewal covers
         *   longer work) - gcp: `ackDeadlineSeconds` (10-600)
         */
        visibilityTimeoutSeconds: seconds(1, 43_200).optional()
            .describe("Explicit visibility timeout / lock duration / ack deadline in seconds. Default derived."),
        /**
         * Deliveries before a message is dead-lettered.
         * @default 5
         * - aws: redrive policy `maxReceiveCount` - azure: `maxDeliveryCount`
         * - gcp: `deadLetterPolicy.maxDeliveryAttempts` (5-100) - local: receive count
         */
        maxReceiveCount: z.number().int().min(1).max(1000).default(5)
            .describe("Deliveries before a message goes to the dead-letter queue. Default 5."),
        /**
         * How long an unprocessed message is kept, in days.
         * @default 4
         * - aws: `MessageRetentionPeriod` (1-14 days) - azure: `defaultMessageTimeToLive`, expired
         *   messages are dead-lettered - gcp: `messageRetentionDuration` (up to 31 days)
         */
        retentionDays: z.number().int().min(1).max(365).default(4)
            .describe("Days an unprocessed message is kept. Default 4."),
        /**
         * Delay before a new message becomes visible, in seconds.
         * @default 0
         * - aws: `DelaySeconds` (0-900) - azure: the front end schedules the message
         * - gcp: not native (must be 0) - local: native
         */
        deliveryDelaySeconds: seconds(0, 900).default(0)
            .describe("Seconds before a new message becomes visible. Default 0."),
        /**
         * Largest message accepted, in KiB.
         * @default 256
         * - aws: `MaximumMessageSize` (up to 1,024) - azure: 256 on Standard - gcp: up to 10,240
         */
        maxMessageKb: z.number().int().min(1).max(10_240).default(256)
            .describe("Largest message in KiB. Default 256."),
        /**
         * Longest per-message delay a sender may ask for (`x-delay-seconds` header / `delaySeconds`
         * query parameter), in seconds, up to 30 days. 0 rejects per-message delays.
         * @default 0
         * - aws: up to 900 s SQS `DelaySeconds`; longer delays become one-time EventBridge Scheduler
         *   schedules that send the message when due (their failures go to the queue's DLQ)
         * - azure: Service Bus scheduled messages (`scheduledEnqueueTimeUtc`)
         * - gcp: a Cloud Tasks queue whose tasks publish to the topic when due
         * - local: native (the engine's `visibleAt`)
         */
        maxDelaySeconds: seconds(0, 2_592_000).default(0)
            .describe("Longest per-message delay a sender may request, seconds (up to 30 days). Default 0."),
        /**
         * Where the front end reads a FIFO message's group key from, besides the `x-group-key`
         * header / `groupKey` query parameter. Needs `ordering: fifo`.
         * - aws: `MessageGroupId` - azure: session id - gcp: ordering key - local: group column
         */
        groupKey: bodyPath("group key").optional()
            .describe("body.<path> the group key is read from (fifo queues). Default: x-group-key header only."),
        /**
         * Where the front end reads the deduplication id from, besides the `x-deduplication-id`
         * header. Needs `deduplication: messageId`.
         * - aws: `MessageDeduplicationId` - azure: `messageId` (duplicate detection) - gcp: the
         *   idempotency key (exactly-once delivery plus the guard) - local: dedup column
         */
        deduplicationKey: bodyPath("deduplication id").optional()
            .describe("body.<path> the deduplication id is read from (deduplication: messageId). Default: x-deduplication-id header only."),
        /** Priority levels: a queue per level consumed by weight, with promotion. Omit for one queue. */
        priorities: prioritiesSchema.optional(),
        /** The dead-letter queue's settings. */
        deadLetter: deadLetterSchema.prefault({}),
    })
    .describe("A work queue with its dead-letter queue.");

export type QueueSpecInput = z.input<typeof queueSchema>;
export type QueueSpec = z.output<typeof queueSchema>;
