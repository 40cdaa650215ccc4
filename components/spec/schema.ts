import { z } from "zod";
import { logicalName } from "./names";
import { ruleWithFix } from "./zod-issues";
import { queueSchema } from "./queue-schema";
import { workerSchema } from "./worker-schema";
import { largeMessagesSchema, topicSchema } from "./pattern-schema";
import { tracingSchema } from "./tracing-schema";

/** Largest `frontEnd.maxBodyKb` the schema takes, KiB (a cloud may allow less: cloudLimits requestBodyMaxKb). */
export const frontEndMaxBodyKb = 10_240;

/** The HTTP front end that accepts work and enqueues it. */
export const frontEndSchema = z
    .strictObject({
        /**
         * Request authentication. `apiKey`: callers send `x-api-key`; the key is generated and stored
         * as a secret. `none` opts out explicitly (public endpoint).
         * @default "apiKey"
         * - aws: key in Secrets Manager, checked by the front-end Lambda
         * - azure: function key / key in Key Vault - gcp: key in Secret Manager - local: printed at start
         */
        auth: z.enum(["apiKey", "none"]).default("apiKey").describe("apiKey | none. Default apiKey."),
        /** Largest request body accepted, in KiB; larger requests get 413. @default 256 */
        maxBodyKb: z.number().int().min(1).max(frontEndMaxBodyKb).default(256).describe("Largest request body in KiB. Default 256."),
        /**
         * Request-response: longest a sender may ask the front end to wait for the job's result
         * (`Prefer: wait=N` header or `wait` query parameter), in seconds. The front end answers 200
         * with the result when the job finishes in time, else 202 with the job id, its correlation id
         * and a status URL. 0 never waits. At most 25 (API Gateway's integration timeout is 30 s).
         * @default 0
         */
        maxWaitSeconds: z.number().int().min(0).max(25).default(0).describe("Longest a sender may wait for the result, seconds (0-25). Default 0."),
        /**
         * Who may reach the front end at the platform, before the API key is checked.
         * `public`: anyone (gcp: `roles/run.invoker` for `allUsers`, which an organization's Domain
         * Restricted Sharing policy, `iam.allowedPolicyMemberDomains`, refuses).
         * `authenticated`: only the `invokers` listed, each calling with a Google-signed ID token
         * (`Authorization: Bearer`), the API key still in `x-api-key`; works under Domain Restricted
         * Sharing when the members belong to an allowed domain.
         * @default "public"
         * - gcp: `roles/run.invoker` on the function's Cloud Run service for `allUsers`, or for each invoker
         * - aws, azure, local: public only (the API key is the gate)
         */
        access: z.enum(["public", "authenticated"]).default("public").describe("public | authenticated (gcp only: invokers need an ID token). Default public."),
        /**
         * With `access: authenticated`: the IAM members allowed to call the front end, e.g.
         * `group:callers@example.com`, `serviceAccount:sender@p.iam.gserviceaccount.com`,
         * `domain:example.com`. Each gets `roles/run.invoker` on the front end's service.
         * @default [] (required with access: authenticated)
         */
        invokers: z
            .array(z.string().regex(/^(user|group|serviceAccount|domain|principal|principalSet):\S+$/, {
                error: ruleWithFix("must be an IAM member such as \"group:callers@example.com\"", "Prefix it with user:, group:, serviceAccount:, domain:, principal: or principalSet:."),
            }))
            .default([])
            .describe("IAM members allowed to invoke the front end with access: authenticated (gcp)."),
    })
    .describe("The HTTP front end.");

/** Where results and idempotency records are kept. */
export const datastoreSchema = z
    .strictObject({
        /**
         * Days a stored result lives before it expires.
         * @default 30
         * - aws: DynamoDB TTL attribute `expiresAt` - azure: Cosmos DB container TTL
         * - gcp: Firestore TTL policy on `expiresAt` - local: SQLite rows purged
         */
        ttlDays: z.number().int().min(1).max(3650).default(30).describe("Days a stored result lives. Default 30."),
        /** Continuous backups. @default true — aws: DynamoDB point-in-time recovery; azure: Cosmos continuous backup; gcp: Firestore PITR */
        pointInTimeRecovery: z.boolean().default(true).describe("Point-in-time recovery. Default true."),
    })
    .describe("The datastore for results and idempotency records.");

/** Alarms created for every queue and worker. */
export const alarmsSchema = z
    .strictObject({
        /** Who is notified. Omit to create the topic/channel without a subscriber. */
        email: z.email({ error: ruleWithFix("must be an email address", 'Write e.g. "ops@example.com".') }).optional().describe("Email address notified by every alarm."),
        /**
         * Alarm when the dead-letter queue holds at least this many messages.
         * @default 1
         * - aws: DLQ `ApproximateNumberOfMessagesVisible` - azure: `DeadletteredMessages`
         * - gcp: `subscription/dead_letter_message_count`
         */
        deadLetterDepth: z.number().int().min(1).default(1).describe("Dead-letter messages that raise an alarm. Default 1."),
        /**
         * Backlog SLA: alarm when the oldest message is older than this, in seconds.
         * @default 600
         * - aws: `ApproximateAgeOfOldestMessage` - gcp: `oldest_unacked_message_age`
         */
        oldestMessageAgeSeconds: z.number().int().min(60).max(1_209_600).default(600)
            .describe("Alarm when the oldest message is older than this (seconds). Default 600."),
        /** Alarm when a worker reports at least this many errors in 5 minutes. @default 1 */
        workerErrors: z.number().int().min(1).default(1).describe("Worker errors per 5 minutes that raise an alarm. Default 1."),
    })
    .describe("Alarms and their notification target.");

/** Existing network for VM workers. */
export const networkSchema = z
    .strictObject({
        /**
         * Existing private subnets for VM workers (they need a route to the cloud's queue and
         * datastore APIs). Omit to create a private network with service endpoints.
         * - aws: subnet ids, one per availability zone - azure: subnet resource id - gcp: subnetwork self link
         */
        subnetIds: z.array(z.string().min(1)).min(1).optional().describe("Existing private subnets for VM workers."),
    })
    .describe("Network placement of VM workers.");

/** Settings that exist on Azure only. */
export const azureSchema = z
    .strictObject({
        /**
         * Put the stack in this existing resource group instead of creating one.
         * @default a new resource group `<project>-<stack>`
         */
        resourceGroupName: z.string().regex(/^[-\w.()]{1,89}[-\w()]$/, {
            error: ruleWithFix("must be 1-90 letters, digits, underscores, hyphens, periods or parentheses, not ending with a period",
                'Use the resource group\'s exact name, e.g. "rg-portfolio".'),
        }).optional().describe("Existing resource group to deploy into. Default: a new one."),
        /**
         * Service Bus namespace tier. `basic` has no sessions, duplicate detection or topics, so the
         * spec rejects it when a queue needs them; `premium` adds isolation and larger messages.
         * @default "standard"
         */
        serviceBusTier: z.enum(["basic", "standard", "premium"]).default("standard")
            .describe("Service Bus tier: basic | standard | premium. Default standard."),
    })
    .describe("Azure-only settings.");

/** The whole stack: the one input of every queuestack component. */
export const specSchema = z
    .strictObject({
        /** Stack name; prefixes every physical name. 2-20 lowercase letters, digits, hyphens. */
        name: logicalName("Stack name", 20),
        /** The HTTP front end. */
        frontEnd: frontEndSchema.prefault({}),
        /** Work queues, each with its dead-letter queue. At least one. */
        queues: z.array(queueSchema).min(1, { error: "must list at least one queue" }).max(20).describe("Work queues."),
        /** Fan-out topics: an event published once reaches each subscriber queue. @default [] */
        topics: z.array(topicSchema).max(20).default([]).describe("Fan-out topics."),
        /** Claim check for bodies larger than the queue accepts. */
        largeMessages: largeMessagesSchema.prefault({}),
        /** Worker pools; each consumes one queue. @default [] */
        workers: z.array(workerSchema).max(20).default([]).describe("Worker pools."),
        /** Results and idempotency records. */
        datastore: datastoreSchema.prefault({}),
        /** Alarms. */
        alarms: alarmsSchema.prefault({}),
        /** Where VM workers run. */
        network: networkSchema.prefault({}),
        /** Trace export from the deployed stack (off by default). */
        tracing: tracingSchema.prefault({}),
        /** Azure-only settings (ignored on other clouds). */
        azure: azureSchema.prefault({}),
        /** Tags / labels put on every resource that takes them. @default {} */
        tags: z.record(z.string(), z.string()).default({}).describe("Tags or labels for every resource."),
    })
    .describe("A queuestack web-queue-worker stack.");

/** The spec as written by a person: every field with a default may be omitted. */
export type SpecInput = z.input<typeof specSchema>;
/** The spec after validation: defaults applied. */
export type Spec = z.output<typeof specSchema>;
export type FrontEndSpec = Spec["frontEnd"];
export type DatastoreSpec = Spec["datastore"];
export type AlarmsSpec = Spec["alarms"];
export type AzureSpec = Spec["azure"];
export type { TracingSpec } from "./tracing-schema";
export type { LargeMessagesSpec, PrioritiesSpec, PriorityLevelSpec, TopicSpec } from "./pattern-schema";
