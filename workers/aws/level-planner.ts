import { promotionDue, WeightedPicker } from "../runtime";

/** One SQS queue a poller consumes: a queue, or one priority level of it. */
export interface PolledQueue {
    url: string;
    /** Share of the poller's capacity while several levels have work (spec `priorities.levels[].weight`). @default 1 */
    weight?: number;
    /** The priority level's name, for logs. */
    level?: string;
}

/** What a receiver does next: which queue to receive from, and whether to long-poll it. */
export interface ReceivePlan {
    index: number;
    /** Short poll (0) while some level is known to have work; else a long poll of up to this many seconds. */
    waitSeconds: number;
}

/**
 * Decides which priority level an SQS poller receives from next. While levels have work they are
 * served by weight (smooth weighted round robin, short polls); a level whose receive came back
 * empty is skipped for `probeMs`, so its share flows to the levels that have work. When no level is
 * known to have work, receivers long-poll the levels side by side (receiver i polls level i mod n),
 * so an arrival on any level is seen at once.
 *
 * Promotion on SQS: a level whose last received batch held a message older than
 * `promoteAfterSeconds` (by its first enqueue time) is served with the weight of the heaviest level
 * above it until its messages are no longer overdue: overdue work gets a top share while new
 * high-priority work keeps its own. The poller holding an overdue message runs it at once; moving
 * it up would give it a new message id and receive count, and put it behind the level above.
 */
export class LevelPlanner {
    private readonly picker: WeightedPicker;
    private readonly emptyUntil: number[];
    private readonly overdue: boolean[];

    constructor(
        readonly queues: readonly PolledQueue[],
        private readonly options: {
            /** Seconds after which a message counts as overdue; omit for no promotion. */
            promoteAfterSeconds?: number;
            /** Longest long poll, seconds. */
            longPollSeconds: number;
            /** How long a level whose receive came back empty is skipped, ms. @default 1000 */
            probeMs?: number;
        },
    ) {
        if (queues.length === 0) throw new Error("LevelPlanner needs at least one queue");
        this.picker = new WeightedPicker(queues.map((q) => q.weight ?? 1));
        this.emptyUntil = queues.map(() => 0);
        this.overdue = queues.map(() => false);
    }

    /** The weight a level is served with now: the heaviest of the levels above while its messages are overdue. */
    weightOf(index: number): number {
        const own = this.queues[index]!.weight ?? 1;
        if (!this.overdue[index]) return own;
        return Math.max(own, ...this.queues.slice(0, index).map((q) => q.weight ?? 1));
    }

    /** Where receiver number `receiver` receives next. */
    next(receiver: number, now = Date.now()): ReceivePlan {
        if (this.queues.length === 1) return { index: 0, waitSeconds: this.options.longPollSeconds };
        const index = this.picker.next((i) => now >= this.emptyUntil[i]!, (i) => this.weightOf(i));
        if (index !== undefined) return { index, waitSeconds: 0 };
        return { index: receiver % this.queues.length, waitSeconds: this.options.longPollSeconds };
    }

    /** Records what a receive from queue `index` returned: how many messages, and their first enqueue times. */
    received(index: number, enqueuedAt: readonly Date[], now = Date.now()): void {
        this.emptyUntil[index] = enqueuedAt.length === 0 ? now + (this.options.probeMs ?? 1000) : 0;
        const after = this.options.promoteAfterSeconds;
        if (enqueuedAt.length > 0) this.overdue[index] = after !== undefined && enqueuedAt.some((at) => promotionDue(at, after, now));
    }
}
