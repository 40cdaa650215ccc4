import { ConfigError, requireJson, type Env } from "../runtime";
import type { PolledQueue } from "./level-planner";

/** A queue's priority levels as the AWS components pass them (QUEUESTACK_QUEUE_LEVELS). */
export interface QueueLevels {
    promoteAfterSeconds: number;
    /** Highest level first. */
    levels: Required<PolledQueue>[];
}

const shape = '{"promoteAfterSeconds": 300, "levels": [{"level": "high", "weight": 3, "url": "https://sqs..."}, ...]}';

/**
 * QUEUESTACK_QUEUE_LEVELS, checked; undefined when the variable is absent (a queue without
 * priority levels, consumed from QUEUESTACK_QUEUE_URL).
 */
export function readQueueLevels(env: Env): QueueLevels | undefined {
    if (env.QUEUESTACK_QUEUE_LEVELS === undefined) return undefined;
    const value = requireJson(env, "QUEUESTACK_QUEUE_LEVELS", `the queue's priority levels, ${shape}`) as Partial<{ promoteAfterSeconds: unknown; levels: unknown }> | null;
    const levels = value?.levels;
    const promoteAfterSeconds = value?.promoteAfterSeconds;
    const valid =
        Number.isInteger(promoteAfterSeconds) && (promoteAfterSeconds as number) > 0 &&
        Array.isArray(levels) && levels.length >= 2 &&
        levels.every((l: Partial<Record<string, unknown>> | null) =>
            typeof l?.level === "string" && typeof l.url === "string" && Number.isInteger(l.weight) && (l.weight as number) >= 1);
    if (!valid) throw new ConfigError(`QUEUESTACK_QUEUE_LEVELS must be ${shape} with at least two levels (got ${JSON.stringify(value)}).`);
    return {
        promoteAfterSeconds: promoteAfterSeconds as number,
        levels: (levels as Required<PolledQueue>[]).map(({ level, weight, url }) => ({ level, weight, url })),
    };
}
