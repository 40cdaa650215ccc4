import { deduplicationOf, queueLevels, secondsPerDay, visibilityTimeoutSeconds, workerTimeoutSeconds, type QueueSpec, type Spec, type WorkerSpec } from "../components/spec";
import type { RuntimeSettings } from "../workers/runtime";
import type { LocalQueueConfig } from "./engine/types";

/**
 * The engine's queues for a validated spec: the same derived values the clouds use, with local
 * limits. A queue with priority levels becomes one engine queue per level, named `<queue>-<level>`
 * (queueLevels), each with its own dead-letter queue.
 */
export function localQueues(spec: Spec): LocalQueueConfig[] {
    return spec.queues.flatMap((queue) =>
        queueLevels(queue).map((level) => ({
            name: level.name,
            fifo: queue.ordering === "fifo",
            ...(deduplicationOf(queue) ? { deduplication: deduplicationOf(queue) } : {}),
            maxReceiveCount: queue.maxReceiveCount,
            visibilityTimeoutSeconds: visibilityTimeoutSeconds(spec, queue, "local"),
            retentionSeconds: queue.retentionDays * secondsPerDay,
            deadLetterRetentionSeconds: queue.deadLetter.retentionDays * secondsPerDay,
            deliveryDelaySeconds: queue.deliveryDelaySeconds,
        })),
    );
}

/** The engine queues behind one spec queue, highest priority first, with the weights the worker pool claims by. */
export interface LocalLevels {
    /** One engine queue per level (a single one named after the queue when it has no priorities). */
    levels: { queue: string; weight: number }[];
    /** Promotion bound (spec priorities.promoteAfterSeconds); absent without priorities. */
    promoteAfterSeconds?: number;
}

/** The engine queues behind a spec queue (see LocalLevels). */
export function localLevels(queue: QueueSpec): LocalLevels {
    return {
        levels: queueLevels(queue).map((l) => ({ queue: l.name, weight: l.weight })),
        ...(queue.priorities ? { promoteAfterSeconds: queue.priorities.promoteAfterSeconds } : {}),
    };
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
