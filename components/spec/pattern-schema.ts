import { z } from "zod";
import { logicalName } from "./names";
import { ruleWithFix } from "./zod-issues";

/** A `body.<field>[.<field>...]` path into a JSON message body. */
export const bodyPath = (what: string) =>
    z.string().regex(/^body(\.[A-Za-z_][A-Za-z0-9_]*)+$/, {
        error: ruleWithFix("must be body.<field>[.<field>...]", `Use e.g. "body.customerId" for the ${what}.`),
    });

/** One priority level of a queue. */
export const priorityLevelSchema = z
    .strictObject({
        /** Level name; the level's queue is `<queue>-<level>`. */
        name: logicalName("Priority level", 10),
        /**
         * Share of consumer capacity: with weights 3:1:1, VM pollers and the local engine take three
         * high messages for every normal and every low one while all three have work; function
         * workers split `concurrency` across the levels' triggers in this ratio (at least 1 each,
         * 2 on aws).
         */
        weight: z.number().int().min(1).max(100).describe("Share of consumer capacity, e.g. 3 for high in 3:1:1."),
    })
    .describe("A priority level: its name and weight.");

/**
 * Priority levels of one queue: a separate queue per level (each with its own DLQ, alarms and
 * redrive), consumed by weight, with promotion so low levels cannot starve.
 * - aws: one SQS queue + DLQ per level; one event source mapping per level (per-level max concurrency)
 * - azure: one Service Bus queue per level; one trigger per level (Function App) / weighted receivers (VM)
 * - gcp: one topic + subscription + dead-letter topic per level; push subscription per level / weighted pull (VM)
 * - local: one engine queue per level, weighted claims
 */
export const prioritiesSchema = z
    .strictObject({
        /** Levels from highest to lowest, 2-5 of them. */
        levels: z.array(priorityLevelSchema).min(2, { error: "must list at least two levels" }).max(5, { error: "must list at most five levels" })
            .describe("Levels from highest to lowest, each with a weight."),
        /**
         * Level a message goes to when the sender names none (`x-priority` header / `priority` query parameter).
         * @default the last (lowest) level
         */
        defaultLevel: z.string().optional().describe("Level used when a sender names none. Default: the lowest level."),
        /**
         * Promotion bound: work that has waited this long (by its first enqueue time) is served as
         * if it were one level up, so low levels cannot starve under any high-level load.
         * - local, azure and gcp VM consumers move the message to the level above (same id, same
         *   first enqueue time, kept in attributes)
         * - aws VM pollers serve a level whose messages are overdue with the heaviest weight above it
         *   (SQS cannot move a message without a new id and receive count; the poller holding it runs it)
         * - function workers never starve a level (each level has its own concurrency) and need none
         * @default 300
         */
        promoteAfterSeconds: z.number().int().min(1).max(86_400).default(300)
            .describe("Seconds a message may wait before it moves up one level. Default 300."),
    })
    .describe("Priority levels of a queue, consumed by weight with promotion.");

/** One fan-out topic: an event published once reaches every subscriber queue. */
export const topicSchema = z
    .strictObject({
        /** Logical name, unique among topics and queues; the front end publishes with `POST /topics/<name>`. */
        name: logicalName("Topic name", 30),
        /**
         * Queues that each receive a copy of every event. A queue with priority levels receives at its default level.
         * - aws: SNS topic -> SQS subscriptions with raw delivery, a queue policy scoped to the topic, and a
         *   subscription redrive policy to the queue's DLQ (FIFO topic when the subscribers are FIFO)
         * - azure: Service Bus topic -> one subscription per queue forwarding to it, dead-lettering on
         *   expiry and filter errors, its own `maxDeliveryCount`
         * - gcp: Pub/Sub topic -> one subscription per queue with a dead-letter policy to the queue's
         *   dead-letter topic, consumed by the queue's workers
         * - local: the engine copies the event into each queue in one transaction
         */
        subscribers: z.array(z.string().min(1)).min(1, { error: "must list at least one queue" }).max(20)
            .describe("Names of the queues that each receive every event."),
    })
    .describe("A fan-out topic feeding several queues.");

/**
 * Claim check for bodies larger than the queue accepts: the front end stores the body in object
 * storage and enqueues a small reference; the worker runtime fetches it before calling the handler,
 * so handlers see the whole body either way. Blobs expire by a lifecycle rule.
 * - aws: S3 bucket (private, encrypted, lifecycle expiry) - azure: Blob container in a storage account
 *   with a lifecycle management policy - gcp: GCS bucket with a lifecycle delete rule - local: files
 */
export const largeMessagesSchema = z
    .strictObject({
        /** Turn the claim check on. @default false */
        enabled: z.boolean().default(false).describe("Store bodies over the queue's limit in object storage. Default false."),
        /**
         * Largest body the front end accepts with the claim check, in MiB (`frontEnd.maxBodyKb` still
         * applies to the request as a whole). At most 5 on aws (Lambda's 6 MB invocation payload),
         * 32 on gcp, 100 on azure and local.
         * @default 5
         */
        maxBodyMb: z.number().int().min(1).max(100).default(5).describe("Largest claim-checked body in MiB (aws: at most 5). Default 5."),
        /**
         * Days a stored body is kept. Must outlive every queue's longest delay plus its retention plus
         * its DLQ's, so a message is never left pointing at a deleted body.
         * @default the longest maxDelaySeconds (in days) + retentionDays + deadLetter.retentionDays, plus 1
         */
        expireDays: z.number().int().min(1).max(3650).optional()
            .describe("Days a stored body is kept. Default: longest queue delay + retention + DLQ retention, plus 1."),
    })
    .describe("Claim check for large message bodies.");

export type PrioritiesSpec = z.output<typeof prioritiesSchema>;
export type PriorityLevelSpec = z.output<typeof priorityLevelSchema>;
export type TopicSpec = z.output<typeof topicSchema>;
export type LargeMessagesSpec = z.output<typeof largeMessagesSchema>;
