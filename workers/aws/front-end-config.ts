import { readFileSync } from "node:fs";
import * as path from "node:path";
import { ConfigError, requireJson, type Env } from "../runtime";

/** Variables the routes file may carry (too large for Lambda's 4 KB environment). */
const routeVariables = ["QUEUESTACK_QUEUES", "QUEUESTACK_TOPICS"] as const;

/**
 * The environment with the routing table merged in from QUEUESTACK_ROUTES_FILE, when set: a JSON
 * file shipped in the deployment package beside the code, `{"QUEUESTACK_QUEUES": {...},
 * "QUEUESTACK_TOPICS": {...}}`, holding what would otherwise not fit the 4 KB Lambda allows for all
 * environment variables together. A relative path resolves against LAMBDA_TASK_ROOT (where Lambda
 * unpacks the package), else the working directory. Read once, at cold start.
 */
export function withRoutesFile(env: Env): Env {
    const file = env.QUEUESTACK_ROUTES_FILE;
    if (file === undefined) return env;
    const full = path.resolve(env.LAMBDA_TASK_ROOT ?? process.cwd(), file);
    let routes: unknown;
    try {
        routes = JSON.parse(readFileSync(full, "utf8"));
    } catch (error) {
        throw new ConfigError(`QUEUESTACK_ROUTES_FILE ${full} must be a readable JSON file (${(error as Error).message}): the routing table shipped with the front end's code.`);
    }
    if (!isObject(routes) || !isObject(routes.QUEUESTACK_QUEUES) || Object.keys(routes).some((key) => !(routeVariables as readonly string[]).includes(key))) {
        throw new ConfigError(`QUEUESTACK_ROUTES_FILE ${full} must be a JSON object with QUEUESTACK_QUEUES and optionally QUEUESTACK_TOPICS (got keys ${JSON.stringify(isObject(routes) ? Object.keys(routes) : routes)}).`);
    }
    const merged: Record<string, string | undefined> = { ...env };
    for (const name of routeVariables) if (routes[name] !== undefined) merged[name] = JSON.stringify(routes[name]);
    return merged;
}

/** One physical queue a message can be sent to: a priority level, or the queue itself. */
export interface SendTarget {
    url: string;
    /** ARN (set when the queue takes delays beyond 900 s: the schedule's target). */
    arn?: string;
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
const isTarget = (t: Record<string, unknown>) => typeof t.url === "string" && optional(t.arn, "string");

/** Whether `q` has the shape of a QUEUESTACK_QUEUES entry. */
function isQueue(q: unknown): q is FrontEndQueue {
    if (!isObject(q) || !isTarget(q) || typeof q.fifo !== "boolean") return false;
    const levels = q.levels;
    const levelsOk = levels === undefined || (Array.isArray(levels) && levels.length > 0 && levels.every((l) => isObject(l) && typeof l.level === "string" && isTarget(l)));
    return levelsOk && ["defaultLevel", "groupKey", "deduplicationKey"].every((k) => optional(q[k], "string")) && ["maxDelaySeconds", "maxMessageBytes"].every((k) => optional(q[k], "number"));
}

/**
 * QUEUESTACK_QUEUES, checked: `{ "<name>": { "url", "fifo", "levels"?, "defaultLevel"?,
 * "maxDelaySeconds"?, "arn"?, "groupKey"?, "deduplicationKey"?, "maxMessageBytes"? } }`
 * (written by components/aws/front-end-settings.ts).
 */
export function readQueues(env: Env): Record<string, FrontEndQueue> {
    const value = requireJson(env, "QUEUESTACK_QUEUES", 'the queues the front end enqueues to, {"<name>": {"url": "...", "fifo": false}}');
    if (!isObject(value)) {
        throw new ConfigError(`QUEUESTACK_QUEUES must be a JSON object of queue name -> { url, fifo } (got ${JSON.stringify(value)}).`);
    }
    for (const [name, queue] of Object.entries(value)) {
        if (!isQueue(queue)) {
            throw new ConfigError(`QUEUESTACK_QUEUES.${name} must be { "url": string, "fifo": boolean } with optional levels, defaultLevel, maxDelaySeconds, arn, groupKey, deduplicationKey, maxMessageBytes (got ${JSON.stringify(queue)}).`);
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
