import { ConfigError, requireJson, type Env } from "../runtime";

/** One physical queue a message can be sent to: a priority level, or the queue itself. */
export interface SendTarget {
    url: string;
    /** ARN (set when the queue takes delays beyond 900 s: the schedule's target). */
    arn?: string;
    /** ARN of its DLQ (set with `arn`: a schedule's failed sends go there). */
    deadLetterArn?: string;
}

/** A queue the front end may enqueue to, as QUEUESTACK_QUEUES describes it. */
export interface FrontEndQueue extends SendTarget {
    fifo: boolean;
    /** Priority levels, highest first. */
    levels?: (SendTarget & { level: string })[];
    /** Level for senders that name none. @default the lowest */
    defaultLevel?: string;
    /** Longest per-message delay, seconds. @default 0 */
    maxDelaySeconds?: number;
    /** `body.<path>` of the group key. */
    groupKey?: string;
    /** `body.<path>` of the deduplication id. */
    deduplicationKey?: string;
    /** Largest message the queue takes, bytes; set when the claim check is on. */
    maxMessageBytes?: number;
}

/** A fan-out topic the front end may publish to, as QUEUESTACK_TOPICS describes it. */
export interface FrontEndTopic {
    arn: string;
    fifo: boolean;
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);
const optional = (value: unknown, type: "string" | "number") => value === undefined || typeof value === type;
const isTarget = (t: Record<string, unknown>) => typeof t.url === "string" && optional(t.arn, "string") && optional(t.deadLetterArn, "string");

/** Whether `q` has the shape of a QUEUESTACK_QUEUES entry. */
function isQueue(q: unknown): q is FrontEndQueue {
    if (!isObject(q) || !isTarget(q) || typeof q.fifo !== "boolean") return false;
    const levels = q.levels;
    const levelsOk = levels === undefined || (Array.isArray(levels) && levels.length > 0 && levels.every((l) => isObject(l) && typeof l.level === "string" && isTarget(l)));
    return levelsOk && ["defaultLevel", "groupKey", "deduplicationKey"].every((k) => optional(q[k], "string")) && ["maxDelaySeconds", "maxMessageBytes"].every((k) => optional(q[k], "number"));
}

/**
 * QUEUESTACK_QUEUES, checked: `{ "<name>": { "url", "fifo", "levels"?, "defaultLevel"?,
 * "maxDelaySeconds"?, "arn"?, "deadLetterArn"?, "groupKey"?, "deduplicationKey"?, "maxMessageBytes"? } }`
 * (written by components/aws/front-end-settings.ts).
 */
export function readQueues(env: Env): Record<string, FrontEndQueue> {
    const value = requireJson(env, "QUEUESTACK_QUEUES", 'the queues the front end enqueues to, {"<name>": {"url": "...", "fifo": false}}');
    if (!isObject(value)) {
        throw new ConfigError(`QUEUESTACK_QUEUES must be a JSON object of queue name -> { url, fifo } (got ${JSON.stringify(value)}).`);
    }
    for (const [name, queue] of Object.entries(value)) {
        if (!isQueue(queue)) {
            throw new ConfigError(`QUEUESTACK_QUEUES.${name} must be { "url": string, "fifo": boolean } with optional levels, defaultLevel, maxDelaySeconds, arn, deadLetterArn, groupKey, deduplicationKey, maxMessageBytes (got ${JSON.stringify(queue)}).`);
        }
    }
    return value as Record<string, FrontEndQueue>;
}

/** QUEUESTACK_TOPICS, checked: `{ "<name>": { "arn": "...", "fifo": false } }`; {} when unset. */
export function readTopics(env: Env): Record<string, FrontEndTopic> {
    if (env.QUEUESTACK_TOPICS === undefined) return {};
    const value = requireJson(env, "QUEUESTACK_TOPICS", "the fan-out topics the front end publishes to");
    if (!isObject(value)) throw new ConfigError(`QUEUESTACK_TOPICS must be a JSON object of topic name -> { arn, fifo } (got ${JSON.stringify(value)}).`);
    for (const [name, topic] of Object.entries(value)) {
        if (!isObject(topic) || typeof topic.arn !== "string" || typeof topic.fifo !== "boolean") {
            throw new ConfigError(`QUEUESTACK_TOPICS.${name} must be { "arn": string, "fifo": boolean } (got ${JSON.stringify(topic)}).`);
        }
    }
    return value as Record<string, FrontEndTopic>;
}
