import type { Cloud } from "./clouds";
import { cloudLimits } from "./clouds";
import type { QueueSpec } from "./queue-schema";
import type { Spec } from "./schema";
import type { WorkerSpec } from "./worker-schema";

/** The visibility timeout is this many times the longest processing attempt (AWS's Lambda guidance). */
export const visibilityMultiplier = 6;

/** Workers consuming the named queue. */
export function consumersOf(spec: Spec, queueName: string): WorkerSpec[] {
    return spec.workers.filter((w) => w.queue === queueName);
}

/** The queue a worker consumes; throws on a spec that skipped validation. */
export function queueOf(spec: Spec, worker: WorkerSpec): QueueSpec {
    const queue = spec.queues.find((q) => q.name === worker.queue);
    if (!queue) throw new Error(`worker ${worker.name} consumes unknown queue ${worker.queue}; validate the spec first`);
    return queue;
}

/** A worker's timeout: explicit, or its queue's processing time. */
export function workerTimeoutSeconds(spec: Spec, worker: WorkerSpec): number {
    return worker.timeoutSeconds ?? queueOf(spec, worker).processingTimeSeconds;
}

/** Longest single attempt on a queue: its processing time or its slowest consumer's timeout. */
export function longestAttemptSeconds(spec: Spec, queue: QueueSpec): number {
    return Math.max(queue.processingTimeSeconds, ...consumersOf(spec, queue.name).map((w) => workerTimeoutSeconds(spec, w)));
}

/** Visibility timeout / lock duration / ack deadline: explicit, else 6 x the longest attempt, within the cloud's range. */
export function visibilityTimeoutSeconds(spec: Spec, queue: QueueSpec, cloud: Cloud): number {
    if (queue.visibilityTimeoutSeconds !== undefined) return queue.visibilityTimeoutSeconds;
    const { min, max } = cloudLimits[cloud].visibilityTimeoutSeconds;
    return Math.min(max, Math.max(min, visibilityMultiplier * longestAttemptSeconds(spec, queue)));
}

/** Queue-level deduplication: explicit, else content-based for FIFO queues, else none. */
export function deduplicationOf(queue: QueueSpec): "content" | "messageId" | undefined {
    return queue.deduplication ?? (queue.ordering === "fifo" ? "content" : undefined);
}

export const secondsPerDay = 86_400;
