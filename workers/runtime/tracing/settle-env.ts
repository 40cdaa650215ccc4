import { requireInteger, type Env } from "../config";
import type { SettleFromOutcome } from "./spans";

/**
 * How a cloud worker records settle spans: from each outcome, with the queue's maxReceiveCount
 * from QUEUESTACK_MAX_RECEIVE_COUNT when the environment has it (then a failed last attempt is a
 * `dead_letter`, as the queue will move it; without, a `nack`). Throws `ConfigError` for a value
 * that is not a whole number from 1 to 1000.
 */
export function settleSpansFromEnv(env: Env): SettleFromOutcome {
    if (env.QUEUESTACK_MAX_RECEIVE_COUNT === undefined) return {};
    return { maxReceiveCount: requireInteger(env, "QUEUESTACK_MAX_RECEIVE_COUNT", "attempts before the queue dead-letters a message (spec queues[].maxReceiveCount)", { min: 1, max: 1000 }) };
}
