import { type Cloud, cloudLimits } from "./clouds";
import { secondsPerDay } from "./derive";
import type { PriorityLevelSpec, TopicSpec } from "./pattern-schema";
import type { QueueSpec } from "./queue-schema";
import type { Spec } from "./schema";

/**
 * One physical queue behind a spec queue: the queue itself, or one of its priority levels. Every
 * target names its resources from `name`, so a level's queue, DLQ and alarms read `<queue>-<level>`.
 */
export interface QueueLevel {
    /** Logical name the level's resources are named from: `<queue>` or `<queue>-<level>`. */
    name: string;
    /** The priority level, absent on a queue without priorities. */
    level?: string;
    /** 0 for the highest level (and for a queue without priorities), then 1, 2... */
    rank: number;
    /** Share of consumer capacity (1 without priorities). */
    weight: number;
}

/** The physical queues behind a spec queue, highest priority first. */
export function queueLevels(queue: QueueSpec): QueueLevel[] {
    const levels = queue.priorities?.levels;
    if (!levels) return [{ name: queue.name, rank: 0, weight: 1 }];
    return levels.map((l, rank) => ({ name: `${queue.name}-${l.name}`, level: l.name, rank, weight: l.weight }));
}

/** The level a message goes to when the sender names none; undefined without priorities. */
export function defaultLevelOf(queue: QueueSpec): string | undefined {
    const priorities = queue.priorities;
    if (!priorities) return undefined;
    return priorities.defaultLevel ?? priorities.levels[priorities.levels.length - 1]!.name;
}

/** The physical queue a sender reaches when it names no level: the default level, or the queue itself. */
export function defaultQueueLevel(queue: QueueSpec): QueueLevel {
    const levels = queueLevels(queue);
    const level = defaultLevelOf(queue);
    return levels.find((l) => l.level === level) ?? levels[0]!;
}

/**
 * Splits `total` consumer slots across levels by weight (largest remainder), giving each level at
 * least `floor` slots, taken back from the largest shares: 10 over 3:1:1 -> [6, 2, 2], 7 over 3:1:1
 * with floor 2 -> [3, 2, 2]. The sum exceeds `total` only when the floors alone do.
 */
export function levelShares(total: number, levels: readonly Pick<PriorityLevelSpec, "weight">[], floor = 1): number[] {
    const sum = levels.reduce((acc, l) => acc + l.weight, 0);
    const exact = levels.map((l) => (total * l.weight) / sum);
    const shares = exact.map(Math.floor);
    const byRemainder = exact.map((e, i) => ({ i, left: e - Math.floor(e) })).sort((a, b) => b.left - a.left || a.i - b.i);
    for (let left = total - shares.reduce((a, b) => a + b, 0), k = 0; left > 0; left--, k++) shares[byRemainder[k]!.i]!++;
    let owed = shares.reduce((acc, s) => acc + Math.max(0, floor - s), 0);
    const floored = shares.map((s) => Math.max(floor, s));
    for (; owed > 0; owed--) {
        const largest = floored.reduce((best, s, i) => (s > floored[best]! ? i : best), 0);
        if (floored[largest]! <= floor) break;
        floored[largest]!--;
    }
    return floored;
}

/** Whether a queue's per-message delays need a scheduler on the cloud (beyond what the queue honours). */
export function needsDelayScheduler(queue: Pick<QueueSpec, "maxDelaySeconds">, cloud: Cloud): boolean {
    return queue.maxDelaySeconds > cloudLimits[cloud].messageDelayNativeMaxSeconds;
}

/**
 * Days a message can point at its claim-checked body: the longest delay before it is due, plus its
 * queue's retention, plus its dead-letter queue's (whole days), over every queue.
 */
export function claimCheckedLifetimeDays(spec: Spec): number {
    return Math.max(...spec.queues.map((q) => Math.ceil(q.maxDelaySeconds / secondsPerDay) + q.retentionDays + q.deadLetter.retentionDays));
}

/** Days a claim-checked body is kept: explicit, else `claimCheckedLifetimeDays` plus 1. */
export function largeMessageExpireDays(spec: Spec): number {
    return spec.largeMessages.expireDays ?? claimCheckedLifetimeDays(spec) + 1;
}

/** A topic's delivery order: fifo when its subscribers are FIFO queues (the spec requires them alike). */
export function topicOrdering(spec: Spec, topic: TopicSpec): "none" | "fifo" {
    return spec.queues.find((q) => q.name === topic.subscribers[0])?.ordering ?? "none";
}

/** Largest event a topic carries as is, KiB: the smallest `maxMessageKb` among its subscribers. */
export function topicMaxMessageKb(spec: Spec, topic: TopicSpec): number {
    return Math.min(...spec.queues.filter((q) => topic.subscribers.includes(q.name)).map((q) => q.maxMessageKb));
}

/** Topics that feed the named queue. */
export function topicsFeeding(spec: Spec, queueName: string): TopicSpec[] {
    return spec.topics.filter((t) => t.subscribers.includes(queueName));
}
