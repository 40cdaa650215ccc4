import { ConfigError, requireJson, type Env } from "../runtime";

/** One priority level's queue, as QUEUESTACK_QUEUE_LEVELS lists it. */
export interface QueueLevelConfig {
    /** The level's name (spec priorities.levels[].name). */
    level: string;
    /** Share of consumer capacity (spec priorities.levels[].weight). */
    weight: number;
    /** The level queue's URL. */
    url: string;
    /** The level queue's ARN (a Lambda record's eventSourceARN). */
    arn: string;
}

/** A queue's priority levels and promotion bound. */
export interface QueueLevelsConfig {
    /** Seconds a message may wait (from its queuestack-enqueued-at attribute) before a VM poller moves it one level up. */
    promoteAfterSeconds: number;
    /** Levels, highest first. */
    levels: QueueLevelConfig[];
}

const isLevel = (l: unknown): l is QueueLevelConfig => {
    const v = l as Partial<QueueLevelConfig> | null;
    return typeof v?.level === "string" && Number.isInteger(v.weight) && v.weight! >= 1 && typeof v.url === "string" && typeof v.arn === "string";
};

/**
 * QUEUESTACK_QUEUE_LEVELS, checked; undefined when unset (a queue without priorities). Written by
 * components/aws/worker-environment.ts for Lambda and VM workers of a queue with priorities:
 * `{"promoteAfterSeconds": 300, "levels": [{"level": "high", "weight": 3, "url": "...", "arn": "..."}, ...]}`,
 * highest level first. QUEUESTACK_QUEUE_URL is then the default level's URL.
 */
export function readQueueLevels(env: Env): QueueLevelsConfig | undefined {
    if (env.QUEUESTACK_QUEUE_LEVELS === undefined) return undefined;
    const value = requireJson(env, "QUEUESTACK_QUEUE_LEVELS", "the queue's priority levels") as Partial<QueueLevelsConfig> | null;
    const promote = value?.promoteAfterSeconds;
    if (!Number.isInteger(promote) || promote! < 1 || !Array.isArray(value?.levels) || value.levels.length < 2 || !value.levels.every(isLevel)) {
        throw new ConfigError(`QUEUESTACK_QUEUE_LEVELS must be {"promoteAfterSeconds": <whole seconds>, "levels": [{"level", "weight", "url", "arn"}, ...at least two]} (got ${JSON.stringify(value)}).`);
    }
    return value as QueueLevelsConfig;
}
