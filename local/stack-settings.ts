import { deduplicationOf, secondsPerDay, visibilityTimeoutSeconds, workerTimeoutSeconds, type Spec, type WorkerSpec } from "../components/spec";
import type { RuntimeSettings } from "../workers/runtime";
import type { LocalQueueConfig } from "./engine/types";

/** The engine's queues for a validated spec: the same derived values the clouds use, with local limits. */
export function localQueues(spec: Spec): LocalQueueConfig[] {
    return spec.queues.map((queue) => ({
        name: queue.name,
        fifo: queue.ordering === "fifo",
        ...(deduplicationOf(queue) ? { deduplication: deduplicationOf(queue) } : {}),
        maxReceiveCount: queue.maxReceiveCount,
        visibilityTimeoutSeconds: visibilityTimeoutSeconds(spec, queue, "local"),
        retentionSeconds: queue.retentionDays * secondsPerDay,
        deadLetterRetentionSeconds: queue.deadLetter.retentionDays * secondsPerDay,
        deliveryDelaySeconds: queue.deliveryDelaySeconds,
    }));
}

/** The runtime settings the clouds pass to a worker through its environment, read from the spec directly. */
export function localRuntimeSettings(spec: Spec, worker: WorkerSpec): RuntimeSettings {
    return {
        idempotency: worker.idempotency.enabled
            ? { enabled: true, key: worker.idempotency.key, ttlSeconds: worker.idempotency.ttlHours * 3600 }
            : { enabled: false, key: "messageId", ttlSeconds: 0 },
        resultTtlSeconds: spec.datastore.ttlDays * secondsPerDay,
        timeoutSeconds: workerTimeoutSeconds(spec, worker),
    };
}
