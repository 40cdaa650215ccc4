import type * as pulumi from "@pulumi/pulumi";
import { idempotencyStoreKey, workerTimeoutKey } from "./declarations";
import type { WorkerSpec } from "./spec";

export interface RuntimeEnvironmentArgs {
    /** The worker's validated spec (its `environment` and idempotency settings). */
    worker: WorkerSpec;
    /** Physical name of the results and idempotency store: DynamoDB table, Cosmos container, Firestore database. */
    storeName: pulumi.Input<string>;
    /** Longest one attempt may run, seconds. */
    timeoutSeconds: number;
    /** Days results are kept. */
    resultTtlDays: number;
    /**
     * Deliveries before the queue dead-letters a message, as planned on the queue (spec
     * `queues[].maxReceiveCount`: SQS redrive `maxReceiveCount`, Service Bus `maxDeliveryCount`,
     * Pub/Sub `deadLetterPolicy.maxDeliveryAttempts`). The worker then records a failed last
     * attempt's settle span as `dead_letter`; `undefined` (a queue the component does not know)
     * leaves it a `nack`.
     */
    maxReceiveCount: number | undefined;
}

/**
 * The part of a worker's environment that the cloud-neutral runtime (workers/runtime) reads,
 * the same on every cloud, for function and VM workers alike; each cloud adds where its queue and
 * store are. The idempotency store is
 * declared under `QUEUESTACK_IDEMPOTENCY_STORE`, where the policy pack looks for it.
 */
export function runtimeEnvironment(a: RuntimeEnvironmentArgs): Record<string, pulumi.Input<string>> {
    return {
        ...a.worker.environment,
        ...(a.worker.idempotency.enabled ? { [idempotencyStoreKey]: a.storeName } : {}),
        QUEUESTACK_IDEMPOTENCY_ENABLED: String(a.worker.idempotency.enabled),
        QUEUESTACK_IDEMPOTENCY_KEY: a.worker.idempotency.key,
        QUEUESTACK_IDEMPOTENCY_TTL_HOURS: String(a.worker.idempotency.ttlHours),
        QUEUESTACK_RESULT_TTL_DAYS: String(a.resultTtlDays),
        [workerTimeoutKey]: String(a.timeoutSeconds),
        ...(a.maxReceiveCount !== undefined ? { QUEUESTACK_MAX_RECEIVE_COUNT: String(a.maxReceiveCount) } : {}),
    };
}
