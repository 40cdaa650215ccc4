import { type Logger, WeightedPicker } from "../runtime";
import type { GoogleApiCall } from "./google-api";
import { pull, type ReceivedMessage } from "./pubsub-api";

/** One priority level the collector reads (a queue without priorities is one level). */
export interface PollLevel {
    /** Level name, for logs. @default none */
    level?: string;
    /** Share of the poller's slots while several levels have work. */
    weight: number;
    /** `projects/<p>/subscriptions/<s>` of the level: its own, then fan-out subscriptions feeding it. */
    subscriptions: string[];
    /** `projects/<p>/topics/<t>` of the level: where overdue messages of the level below are promoted to. */
    topic?: string;
}

export interface PullCollectorOptions<T> {
    api: GoogleApiCall;
    /** The levels, highest first. */
    levels: PollLevel[];
    logger: Logger;
    /**
     * What to keep of a delivery that arrived from `subscription` of level `rank`: the item to buffer,
     * or undefined when the caller took it on itself (handed it back).
     */
    receive: (delivery: ReceivedMessage, subscription: string, rank: number) => T | undefined;
    /** Called whenever a pull ends, so the caller looks at the buffers again. */
    changed: () => void;
    /** Hold pulls open until messages arrive (long polling); false pulls with `returnImmediately`. */
    longPoll: boolean;
    /** Pause before pulling a subscription again after a failed pull (or, without long polling, an empty one), ms. */
    idleMs: number;
    /** How long the pick waits for the pull of a level that just had a backlog, ms (see `take`). */
    collectMs: number;
}

/** One subscription the collector pulls from, and what it knows of it. */
interface Source {
    rank: number;
    subscription: string;
    /** The pull in flight, if any. */
    pulling?: Promise<void>;
    /** How many messages the pull in flight asked for (0 without one). */
    requested: number;
    /** When the pull in flight was sent, ms. */
    sentAt: number;
    /** Unstarted deliveries of this subscription in its level's buffer. */
    buffered: number;
    /** Whether its last pull came back with all it asked for, so more are likely waiting; true before the first pull. */
    full: boolean;
    /** No new pull before this time, ms (after a failed pull, or an empty one without long polling). */
    retryAt: number;
}

/** A source with what its last pull brought, as kept items (promoted or handed-back ones left out). */
interface Collected<T> extends Source {
    lastAnswer: T[];
}

/**
 * Collects deliveries from every level's subscriptions and hands them out by weight: collect, then
 * pick. Every subscription has at most one pull open, a long poll (Google deprecates
 * `returnImmediately`: https://cloud.google.com/pubsub/docs/reference/rest/v1/projects.subscriptions/pull),
 * so an idle level is watched without polling and answers the moment work arrives. What arrives is
 * buffered per level; `take` names the next level with WeightedPicker, the weighted order the other
 * clouds use, so the order does not depend on which pull answered first.
 *
 * The pick waits for a level that has a backlog but nothing buffered: while the pull of a
 * subscription whose last pull came back full is open (for at most `collectMs`), its level counts
 * as having work, and a pick that would name it waits for the answer instead of giving its turn away.
 * A subscription whose last pull came back short has drained; its open long poll does not hold the
 * other levels up. So under backlog the order is exactly the weights' (3:1:1 picks 0 1 0 2 0), and a
 * low level is never starved: WeightedPicker gives it its share whenever it has work.
 *
 * Deliveries are pulled only into free worker slots: a subscription asks for its level's weighted
 * share of the free slots not yet claimed by buffered or requested deliveries, and at least one
 * when nothing of it is buffered (the look-ahead the pick needs to see every level). A process thus
 * holds at most `free slots + subscriptions` unstarted deliveries; the caller extends their ack
 * deadline while they wait.
 */
export class PullCollector<T> {
    private readonly sources: Collected<T>[];
    private readonly buffers: { item: T; source: Source }[][];
    private readonly picker: WeightedPicker;
    private readonly totalWeight: number;
    private readonly abandoned = new AbortController();

    constructor(private readonly options: PullCollectorOptions<T>) {
        const { levels } = options;
        this.sources = levels.flatMap((level, rank) => level.subscriptions.map((subscription) => ({ rank, subscription, requested: 0, sentAt: 0, buffered: 0, full: true, retryAt: 0, lastAnswer: [] as T[] })));
        this.buffers = levels.map(() => []);
        this.picker = new WeightedPicker(levels.map((l) => l.weight));
        this.totalWeight = levels.reduce((sum, l) => sum + l.weight, 0);
    }

    /** The unstarted items of level `rank`, oldest first. */
    items(rank: number): T[] {
        return this.buffers[rank]!.map((b) => b.item);
    }

    /**
     * What the last pull brought on the subscriptions of level `rank` whose next pull the pick is
     * waiting for (see `take`): a sample of the backlog still coming.
     */
    awaited(rank: number, now = Date.now()): T[] {
        return this.sources.filter((s) => s.rank === rank && this.expected(s, now)).flatMap((s) => s.lastAnswer);
    }

    /** Whether the pick waits for the open pull of `source`: its last pull came back full and this one is younger than collectMs. */
    private expected(source: Source, now: number): boolean {
        return source.pulling !== undefined && source.full && now - source.sentAt < this.options.collectMs;
    }

    /**
     * Opens a pull on every subscription without one, asking for its share of the `free` worker
     * slots that buffered and requested deliveries have not claimed, and at least one while nothing
     * of it is buffered. Levels are served highest first; a level's share is split among its
     * subscriptions.
     */
    fill(free: number, now = Date.now()): void {
        let unclaimed = free - this.sources.reduce((sum, s) => sum + s.buffered + s.requested, 0);
        for (const source of this.sources) {
            if (source.pulling || source.retryAt > now) continue;
            const level = this.options.levels[source.rank]!;
            const share = Math.ceil((Math.max(0, unclaimed) * level.weight) / (this.totalWeight * level.subscriptions.length));
            // Pub/Sub answers at most 1,000 messages per pull.
            const ask = Math.min(1000, Math.max(source.buffered === 0 ? 1 : 0, Math.min(unclaimed, share)));
            if (ask <= 0) continue;
            unclaimed -= ask;
            this.pullFrom(source, ask, now);
        }
    }

    /**
     * The next item to start, by weight among the levels with work; else how long to wait before
     * asking again, ms (undefined: until a pull or the caller's work ends).
     */
    take(now = Date.now()): { item: T; rank: number } | { waitMs: number | undefined } {
        const expected = (s: Source) => this.expected(s, now);
        const hasWork = (rank: number) => this.buffers[rank]!.length > 0 || this.sources.some((s) => s.rank === rank && expected(s));
        const level = this.picker.peek(hasWork);
        if (level !== undefined && this.buffers[level]!.length > 0) {
            this.picker.next(hasWork);
            const { item, source } = this.buffers[level]!.shift()!;
            source.buffered--;
            return { item, rank: level };
        }
        // Wake when an awaited pull's wait is over or a paused subscription may be pulled again.
        const deadlines = this.sources.map((s) => (expected(s) ? s.sentAt + this.options.collectMs : !s.pulling && s.retryAt > now ? s.retryAt : Infinity));
        const soonest = Math.min(...deadlines);
        return { waitMs: soonest === Infinity ? undefined : Math.max(1, soonest - now) };
    }

    /** Empties the buffers: every unstarted item, for the caller to hand back. */
    takeAll(): T[] {
        for (const source of this.sources) source.buffered = 0;
        return this.buffers.flatMap((buffer) => buffer.splice(0).map((b) => b.item));
    }

    /**
     * Abandons the pulls still open and waits for them to end. Google's pull has no cancel: the
     * server may still hand a message to an abandoned pull (the emulator does), and it comes back
     * after its ack deadline, so callers keep pulls open as long as they have other work to wait for.
     */
    async abandon(): Promise<void> {
        this.abandoned.abort();
        await Promise.all(this.sources.map((s) => s.pulling));
    }

    private pullFrom(source: Collected<T>, ask: number, now: number): void {
        const { api, logger, longPoll, idleMs } = this.options;
        source.requested = ask;
        source.sentAt = now;
        source.pulling = pull(api, source.subscription, ask, { returnImmediately: !longPoll, signal: this.abandoned.signal })
            .then(
                (got) => {
                    source.full = got.length >= ask;
                    if (got.length === 0 && !longPoll) source.retryAt = Date.now() + idleMs;
                    source.lastAnswer = [];
                    for (const delivery of got) {
                        const item = this.options.receive(delivery, source.subscription, source.rank);
                        if (item === undefined) continue;
                        this.buffers[source.rank]!.push({ item, source });
                        source.buffered++;
                        source.lastAnswer.push(item);
                    }
                },
                (error: unknown) => {
                    if (this.abandoned.signal.aborted) return;
                    logger.warn({ err: error, subscription: source.subscription }, "pull failed; retrying");
                    source.full = false;
                    source.retryAt = Date.now() + idleMs;
                },
            )
            .finally(() => {
                source.pulling = undefined;
                source.requested = 0;
                this.options.changed();
            });
    }
}
