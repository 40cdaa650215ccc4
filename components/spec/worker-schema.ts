import { z } from "zod";
import { logicalName } from "./names";
import { ruleWithFix } from "./zod-issues";

/** Scale settings for `kind: vm` workers. */
/** `workers[].code` when the spec sets none: the demo app in this repository (workers/example). */
export const defaultWorkerCode = "workers/example";

export const scalingSchema = z
    .strictObject({
        /**
         * Fewest instances; 0 lets the group scale to zero when the queue is empty.
         * @default 0
         */
        min: z.number().int().min(0).max(1000).default(0).describe("Fewest VM instances (0 allowed). Default 0."),
        /** Most instances. @default 10 */
        max: z.number().int().min(1).max(1000).default(10).describe("Most VM instances. Default 10."),
        /**
         * Target backlog per instance: visible messages / in-service instances.
         * @default 100
         * - aws: target tracking on metric math m1/m2 (ApproximateNumberOfMessagesVisible / GroupInServiceInstances)
         * - azure: autoscale on ActiveMessages per instance - gcp: `num_undelivered_messages` per instance
         */
        backlogPerWorker: z.number().int().min(1).max(100_000).default(100)
            .describe("Target visible messages per instance. Default 100."),
    })
    .describe("Autoscaling of VM workers on queue backlog.");

/** Idempotency guard settings: turns at-least-once delivery into exactly-once effects. */
export const idempotencySchema = z
    .strictObject({
        /** Turn the guard off only for handlers that are idempotent by nature. @default true */
        enabled: z.boolean().default(true).describe("Run the handler behind the idempotency guard. Default true."),
        /**
         * What identifies a unit of work: `messageId`, or `body.<path>` (e.g. `body.url`).
         * @default "messageId"
         */
        key: z
            .string()
            .regex(/^(messageId|body(\.[A-Za-z_][A-Za-z0-9_]*)+)$/, {
                error: ruleWithFix("must be messageId or body.<field>[.<field>...]", 'Use e.g. "messageId" or "body.url".'),
            })
            .default("messageId")
            .describe("messageId or body.<path> (e.g. body.url). Default messageId."),
        /** How long a completed key is remembered, in hours. @default 24 */
        ttlHours: z.number().int().min(1).max(8760).default(24).describe("Hours a completed key is remembered. Default 24."),
    })
    .describe("The idempotency guard (records in the datastore).");

/** A pool of workers consuming one queue. */
export const workerSchema = z
    .strictObject({
        /** Logical name, unique in the spec. */
        name: logicalName("Worker name", 30),
        /** The `name` of the queue this worker consumes. */
        queue: z.string().min(1).describe("Name of the queue this worker consumes."),
        /**
         * What runs the code.
         * @default "function"
         * - aws: `function` = Lambda + SQS event source mapping; `vm` = EC2 Auto Scaling group
         * - azure: Function App with a Service Bus trigger / VM Scale Set
         * - gcp: Cloud Functions gen2 behind a push subscription / managed instance group
         * - local: in-process pool / worker processes
         */
        kind: z.enum(["function", "vm"]).default("function").describe("function | vm. Default function."),
        /**
         * Module exporting the handler (`export default defineWorker(...)` from "queuestack/worker"),
         * relative to the project root. Bundled by the component. Set it in your own project: the
         * default is the demo app of queuestack's repository, which is not in the npm package.
         * @default "workers/example"
         */
        code: z.string().min(1).default(defaultWorkerCode).describe("Handler module path. Default workers/example."),
        /**
         * Longest one invocation may run, in seconds (function timeout; per message on VMs).
         * @default the queue's processingTimeSeconds
         * - aws: Lambda `timeout` (max 900) - azure: `functionTimeout` - gcp: function timeout
         */
        timeoutSeconds: z.number().int().min(1).max(3600).optional()
            .describe("Seconds one invocation may run. Default: the queue's processingTimeSeconds."),
        /** Memory per function instance or worker process, in MiB. @default 512 */
        memoryMb: z.number().int().min(128).max(10_240).default(512).describe("Memory in MiB. Default 512."),
        /**
         * Messages processed at once: across all function instances, or per VM instance.
         * @default 10
         * - aws: event source mapping `scalingConfig.maximumConcurrency` (2-1000) / poller slots
         * - azure: `maxConcurrentCalls` - gcp: max instances / flow control - local: pool size
         */
        concurrency: z.number().int().min(1).max(1000).default(10).describe("Messages processed at once. Default 10."),
        /**
         * Messages handed to one function invocation.
         * @default 10
         * - aws: event source mapping `batchSize` (FIFO max 10; above 10 needs batchWindowSeconds >= 1)
         */
        batchSize: z.number().int().min(1).max(10_000).default(10).describe("Messages per function invocation. Default 10."),
        /**
         * Seconds to gather a batch before invoking.
         * @default 0
         * - aws: event source mapping `maximumBatchingWindowInSeconds`; must stay 0 for a FIFO queue (Lambda refuses a batching window on FIFO sources)
         */
        batchWindowSeconds: z.number().int().min(0).max(300).default(0).describe("Seconds to gather a batch. Default 0. Must be 0 for a FIFO queue on aws."),
        /**
         * Instance size for `kind: vm`.
         * @default "small"
         * - aws: t3.small / t3.medium / t3.large - azure: Standard_B1ms / B2s / B2ms - gcp: e2-small / e2-medium / e2-standard-2
         */
        instanceSize: z.enum(["small", "medium", "large"]).default("small").describe("VM size: small | medium | large. Default small."),
        /** Backlog-based autoscaling for `kind: vm`. */
        scaling: scalingSchema.prefault({}),
        /** The idempotency guard. */
        idempotency: idempotencySchema.prefault({}),
        /** Extra environment variables for the worker. @default {} */
        environment: z.record(
            z.string().regex(/^[A-Z_][A-Z0-9_]*$/, {
                error: ruleWithFix("must be an UPPER_SNAKE_CASE name", 'Rename it, e.g. "LOG_LEVEL".'),
            }),
            z.string(),
        ).default({})
            .describe("Extra environment variables (UPPER_SNAKE names)."),
    })
    .describe("A pool of workers consuming one queue.");

export type WorkerSpecInput = z.input<typeof workerSchema>;
export type WorkerSpec = z.output<typeof workerSchema>;
