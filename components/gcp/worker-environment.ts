import type * as pulumi from "@pulumi/pulumi";
import type { WorkerSpec } from "../spec";
import { runtimeEnvironment } from "../worker-environment";
import { type DatabaseRef, projectOf } from "./identity";

export interface GcpWorkerSettings {
    worker: WorkerSpec;
    /** The queue's spec name: the scope of idempotency keys. */
    queueName: string;
    database: DatabaseRef;
    timeoutSeconds: number;
    ackDeadlineSeconds: number;
    resultTtlDays: number;
    /** The subscription's `deadLetterPolicy.maxDeliveryAttempts` (see RuntimeEnvironmentArgs.maxReceiveCount). */
    maxReceiveCount: number | undefined;
}

/** The environment the worker runtime (workers/runtime) and the GCP adapters read. */
export function gcpWorkerEnvironment(s: GcpWorkerSettings): Record<string, pulumi.Input<string>> {
    return {
        ...runtimeEnvironment({ worker: s.worker, storeName: s.database.databaseName, timeoutSeconds: s.timeoutSeconds, resultTtlDays: s.resultTtlDays, maxReceiveCount: s.maxReceiveCount }),
        QUEUESTACK_PROJECT_ID: projectOf(s.database),
        QUEUESTACK_QUEUE_NAME: s.queueName,
        QUEUESTACK_FIRESTORE_DATABASE: s.database.databaseName,
        QUEUESTACK_ACK_DEADLINE_SECONDS: String(s.ackDeadlineSeconds),
    };
}
