/** Message attribute holding a message's first enqueue time (ISO 8601); kept when a message is promoted. */
export const enqueuedAtAttribute = "queuestack-enqueued-at";

/** Message attribute holding the sender's correlation id (`x-correlation-id`), else the job id. */
export const correlationAttribute = "queuestack-correlation-id";

/**
 * Picks which priority level a consumer takes its next message from: smooth weighted round robin
 * over the levels that have work. With weights 3:1:1 and work everywhere the picks run
 * 0, 1, 0, 2, 0 and repeat; a level without work is skipped, so its share goes to the levels that
 * have work. Deterministic: ties go to the higher level (lower index).
 */
export class WeightedPicker {
    private readonly current: number[];

    /** `weights[i]` is level i's share, highest level first (spec `priorities.levels[].weight`). */
    constructor(private readonly weights: readonly number[]) {
        if (weights.length === 0 || weights.some((w) => !Number.isInteger(w) || w < 1)) {
            throw new Error(`WeightedPicker needs positive whole weights, got [${weights.join(", ")}]`);
        }
        this.current = weights.map(() => 0);
    }

    /**
     * The level to take from next, among those `hasWork` accepts; undefined when none has work.
     * `weightOf` may lend a level another weight for this pick (e.g. the level above's, while its
     * messages are overdue); by default each level has its own.
     */
    next(hasWork: (level: number) => boolean, weightOf: (level: number) => number = (level) => this.weights[level]!): number | undefined {
        return this.choose(hasWork, weightOf, true);
    }

    /** The level `next` would name for the same arguments, without taking the turn (the picker is left as it was). */
    peek(hasWork: (level: number) => boolean, weightOf: (level: number) => number = (level) => this.weights[level]!): number | undefined {
        return this.choose(hasWork, weightOf, false);
    }

    private choose(hasWork: (level: number) => boolean, weightOf: (level: number) => number, take: boolean): number | undefined {
        const current = take ? this.current : [...this.current];
        let best: number | undefined;
        let total = 0;
        this.weights.forEach((_, level) => {
            if (!hasWork(level)) return;
            const weight = weightOf(level);
            current[level]! += weight;
            total += weight;
            if (best === undefined || current[level]! > current[best]!) best = level;
        });
        if (best !== undefined) current[best]! -= total;
        return best;
    }
}

/** Whether a message first enqueued at `enqueuedAt` has waited `promoteAfterSeconds` or longer. */
export function promotionDue(enqueuedAt: Date, promoteAfterSeconds: number, now: number = Date.now()): boolean {
    return now - enqueuedAt.getTime() >= promoteAfterSeconds * 1000;
}

/**
 * When a message was first enqueued: its `queuestack-enqueued-at` attribute (set by the front end
 * and kept through promotions), else `fallback` (the queue's own enqueue time, e.g. SQS SentTimestamp).
 */
export function firstEnqueuedAt(attributes: Readonly<Record<string, string>>, fallback: Date): Date {
    const stamp = Object.hasOwn(attributes, enqueuedAtAttribute) ? Date.parse(attributes[enqueuedAtAttribute]!) : NaN;
    return Number.isNaN(stamp) ? fallback : new Date(stamp);
}
