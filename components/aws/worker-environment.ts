import type * as pulumi from "@pulumi/pulumi";
import type { WorkerSpec } from "../spec";
import type { QueueRef, TableRef } from "./refs";import { idempotencyStoreKey } from "../declarations";

export interface WorkerRuntimeSettings {
    worker: WorkerSpec;
    queue: QueueRef;
    table: TableRef;
    timeoutSeconds: number;
    visibilityTimeoutSeconds: number;
    resultTtlDays: number;
}

/** The environment the worker runtime reads (workers/runtime), the same for Lambda and VM workers. */
export function workerEnvironment(s: WorkerRuntimeSettings): Record<string, pulumi.Input<string>> {
    return {
        ...s.worker.environment,
        QUEUESTACK_QUEUE_URL: s.queue.url,
        QUEUESTACK_TABLE_NAME: s.table.tableName,
        QUEUESTACK_IDEMPOTENCY_ENABLED: String(s.worker.idempotency.enabled),
        // Declares the guard's store so the policy pack can check it (policies/lib/declarations.ts).
        ...(s.worker.idempotency.enabled ? { [idempotencyStoreKey]: s.table.tableName } : {}),
        QUEUESTACK_IDEMPOTENCY_KEY: s.worker.idempotency.key,
        QUEUESTACK_IDEMPOTENCY_TTL_HOURS: String(s.worker.idempotency.ttlHours),
        QUEUESTACK_RESULT_TTL_DAYS: String(s.resultTtlDays),
        QUEUESTACK_VISIBILITY_TIMEOUT_SECONDS: String(s.visibilityTimeoutSeconds),
        QUEUESTACK_WORKER_TIMEOUT_SECONDS: String(s.timeoutSeconds),
    };
}
