import { requireBoolean, requireInteger, requireString, type Env } from "./config";

/** How the runtime treats each message; read from the environment the components set. */
export interface RuntimeSettings {
    idempotency: {
        /** Run the handler behind the guard. */
        enabled: boolean;
        /** "messageId" or "body.<path>". */
        key: string;
        /** How long a completed key is remembered. */
        ttlSeconds: number;
    };
    /** How long job records (results, failure reasons) are kept. */
    resultTtlSeconds: number;
    /** Longest one attempt may run; also the idempotency lease. */
    timeoutSeconds: number;
}

/**
 * Reads QUEUESTACK_IDEMPOTENCY_ENABLED, QUEUESTACK_IDEMPOTENCY_KEY, QUEUESTACK_IDEMPOTENCY_TTL_HOURS,
 * QUEUESTACK_RESULT_TTL_DAYS and QUEUESTACK_WORKER_TIMEOUT_SECONDS. Throws `ConfigError` naming
 * the first missing or malformed variable.
 */
export function readRuntimeSettings(env: Env): RuntimeSettings {
    const enabled = requireBoolean(env, "QUEUESTACK_IDEMPOTENCY_ENABLED", "whether the idempotency guard runs (spec workers[].idempotency.enabled)");
    const idempotency = enabled
        ? {
              enabled,
              key: requireString(env, "QUEUESTACK_IDEMPOTENCY_KEY", "messageId or body.<path> (spec workers[].idempotency.key)"),
              ttlSeconds: 3600 * requireInteger(env, "QUEUESTACK_IDEMPOTENCY_TTL_HOURS", "hours a completed key is remembered (spec workers[].idempotency.ttlHours)", { min: 1, max: 8760 }),
          }
        : { enabled, key: "messageId", ttlSeconds: 0 };
    return {
        idempotency,
        resultTtlSeconds: 86_400 * requireInteger(env, "QUEUESTACK_RESULT_TTL_DAYS", "days job results are kept (spec datastore.ttlDays)", { min: 1, max: 3650 }),
        timeoutSeconds: requireInteger(env, "QUEUESTACK_WORKER_TIMEOUT_SECONDS", "seconds one attempt may run (spec workers[].timeoutSeconds)", { min: 1, max: 43_200 }),
    };
}
