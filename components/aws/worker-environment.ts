import type * as pulumi from "@pulumi/pulumi";
import type { WorkerSpec } from "../spec";
import { runtimeEnvironment } from "../worker-environment";
import type { QueueRef, TableRef } from "./refs";

export interface WorkerRuntimeSettings {
    worker: WorkerSpec;
    queue: QueueRef;
    table: TableRef;
    timeoutSeconds: number;
    visibilityTimeoutSeconds: number;
    resultTtlDays: number;
}

/** The environment the worker runtime reads on AWS, the same for Lambda and VM workers. */
export function workerEnvironment(s: WorkerRuntimeSettings): Record<string, pulumi.Input<string>> {
    return {
        ...runtimeEnvironment({ worker: s.worker, storeName: s.table.tableName, timeoutSeconds: s.timeoutSeconds, resultTtlDays: s.resultTtlDays }),
        QUEUESTACK_QUEUE_URL: s.queue.url,
        QUEUESTACK_TABLE_NAME: s.table.tableName,
        QUEUESTACK_VISIBILITY_TIMEOUT_SECONDS: String(s.visibilityTimeoutSeconds),
    };
}
