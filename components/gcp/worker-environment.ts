import type * as pulumi from "@pulumi/pulumi";
import type { WorkerSpec } from "../spec";
import { type DatabaseRef, projectOf } from "./identity";

export interface GcpWorkerSettings {
    worker: WorkerSpec;
    /** The queue's spec name: the scope of idempotency keys. */
    queueName: string;
    database: DatabaseRef;
    timeoutSeconds: number;
    ackDeadlineSeconds: number;
    resultTtlDays: number;
}

/**
 * Where a consumer declares its idempotency store (the Firestore database name), for the stack
 * policies (policies/lib/declarations.ts): an environment variable on functions, a metadata key on
 * instance templates.
 */
export const idempotencyStoreKey = "QUEUESTACK_IDEMPOTENCY_STORE";

/** The environment the worker runtime (workers/runtime) and the GCP adapters read. */
export function gcpWorkerEnvironment(s: GcpWorkerSettings): Record<string, pulumi.Input<string>> {
    return {
        ...s.worker.environment,
        QUEUESTACK_PROJECT_ID: projectOf(s.database),
        QUEUESTACK_QUEUE_NAME: s.queueName,
        QUEUESTACK_FIRESTORE_DATABASE: s.database.databaseName,
        ...(s.worker.idempotency.enabled ? { [idempotencyStoreKey]: s.database.databaseName } : {}),
        QUEUESTACK_IDEMPOTENCY_ENABLED: String(s.worker.idempotency.enabled),
        QUEUESTACK_IDEMPOTENCY_KEY: s.worker.idempotency.key,
        QUEUESTACK_IDEMPOTENCY_TTL_HOURS: String(s.worker.idempotency.ttlHours),
        QUEUESTACK_RESULT_TTL_DAYS: String(s.resultTtlDays),
        QUEUESTACK_ACK_DEADLINE_SECONDS: String(s.ackDeadlineSeconds),
        QUEUESTACK_WORKER_TIMEOUT_SECONDS: String(s.timeoutSeconds),
    };
}
