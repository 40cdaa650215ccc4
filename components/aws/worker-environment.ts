import * as pulumi from "@pulumi/pulumi";
import type { WorkerSpec } from "../spec";
import { runtimeEnvironment } from "../worker-environment";
import type { BucketRef, QueueRef, TableRef } from "./refs";

export interface WorkerRuntimeSettings {
    /** The worker's validated spec. */
    worker: WorkerSpec;
    /** The queue it consumes (with its levels when it has priorities). */
    queue: QueueRef;
    /** The table for results and idempotency records. */
    table: TableRef;
    /** Longest one attempt may run, seconds. */
    timeoutSeconds: number;
    /** The queue's visibility timeout, seconds. */
    visibilityTimeoutSeconds: number;
    /** Days results are kept. */
    resultTtlDays: number;
    /** Bucket of claim-checked bodies (largeMessages.enabled). @default undefined (no claim check) */
    largeMessages?: BucketRef;
}

/**
 * QUEUESTACK_QUEUE_LEVELS: a queue's priority levels as VM pollers and Lambda workers read them,
 * `{"promoteAfterSeconds": 300, "levels": [{"level": "high", "weight": 3, "url": "...", "arn": "..."}, ...]}`,
 * highest level first (workers/aws/queue-levels.ts reads it back).
 */
export function queueLevelsVariable(queue: QueueRef): pulumi.Output<string> | undefined {
    if (!queue.levels) return undefined;
    return pulumi.jsonStringify({
        promoteAfterSeconds: queue.promoteAfterSeconds ?? 300,
        levels: queue.levels.map((l) => ({ level: l.level, weight: l.weight, url: l.url, arn: l.arn })),
    });
}

/** The environment the worker runtime reads on AWS, the same for Lambda and VM workers. */
export function workerEnvironment(s: WorkerRuntimeSettings): Record<string, pulumi.Input<string>> {
    const levels = queueLevelsVariable(s.queue);
    return {
        ...runtimeEnvironment({ worker: s.worker, storeName: s.table.tableName, timeoutSeconds: s.timeoutSeconds, resultTtlDays: s.resultTtlDays, maxReceiveCount: s.queue.maxReceiveCount }),
        QUEUESTACK_QUEUE_URL: s.queue.url,
        QUEUESTACK_TABLE_NAME: s.table.tableName,
        QUEUESTACK_VISIBILITY_TIMEOUT_SECONDS: String(s.visibilityTimeoutSeconds),
        ...(levels ? { QUEUESTACK_QUEUE_LEVELS: levels } : {}),
        ...(s.largeMessages ? { QUEUESTACK_BLOB_BUCKET: s.largeMessages.bucketName } : {}),
    };
}

/** The ARNs of every physical queue a worker consumes: its levels, or the queue itself. */
export function consumedQueueArns(queue: QueueRef): pulumi.Input<string>[] {
    return queue.levels ? queue.levels.map((l) => l.arn) : [queue.arn];
}

/** Worker statements for the claim check: read stored bodies, nothing else in the bucket. */
export function readLargeMessages(bucket: BucketRef | undefined) {
    return bucket ? [{ sid: "ReadLargeMessages", actions: ["s3:GetObject"], resources: [pulumi.interpolate`${bucket.bucketArn}/*`] }] : [];
}
