import { type Logger, type Processor, enqueuedAtAttribute, firstEnqueuedAt, promotionDue } from "../runtime";
import type { GoogleApiCall } from "./google-api";
import { acknowledge, modifyAckDeadline, publish, type ReceivedMessage } from "./pubsub-api";
import { jobIdAttribute, rawMessageOf } from "./pubsub-message";
import { type PollLevel, PullCollector } from "./pull-collector";

export type { PollLevel };

export interface PubsubPollerOptions {
    processor: Processor;
    /** A Pub/Sub REST client (see pubsubApi). */
    api: GoogleApiCall;
    /** The levels, highest first (QUEUESTACK_LEVELS). Give this or `subscription`. */
    levels?: PollLevel[];
    /** Shorthand for one level with one subscription, `projects/<p>/subscriptions/<s>`. */
    subscription?: string;
    /** Seconds after which a message moves up one level (by its first enqueue time). @default never */
    promoteAfterSeconds?: number;
    logger: Logger;
    /** Messages in work at once. */
    concurrency: number;
    /** The subscriptions' ack deadline: received messages are extended every half of it. */
    ackDeadlineSeconds: number;
    /** On stop, how long in-flight work may finish before the poller gives up on it. */
    drainSeconds: number;
    /** Pause before pulling a subscription again after a failed pull, milliseconds. @default 1000 */
    idleMs?: number;
    /**
     * How long a pick waits for the pull of a level that just had a backlog before giving its turn
     * to the levels with buffered work, milliseconds (see PullCollector). @default 250
     */
    collectMs?: number;
    /**
     * Hold each pull open until messages arrive (long polling). The deployed worker always does.
     * `false` pulls with `returnImmediately` (deprecated by Google) and pauses `idleMs` after an
     * empty answer: only for emulator tests that stop a poller and start another on the same
     * subscription, since the emulator hands the next message to the stopped poller's open pull
     * and redelivers it only after its ack deadline.
     * @default true
     */
    longPoll?: boolean;
}

/** A received delivery, with where it came from and its deadline heartbeat. */
interface Held {
    delivery: ReceivedMessage;
    subscription: string;
    heartbeat: NodeJS.Timeout;
    /** When the message was first enqueued (its enqueued-at attribute, else its publish time): the promotion clock. */
    enqueuedAt: Date;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Pulls from Pub/Sub subscriptions and runs each delivery through the processor, at most
 * `concurrency` at once. A PullCollector keeps one long poll open per subscription and buffers
 * what arrives per level, pulling only into free slots; each free slot takes the next delivery by
 * weight (WeightedPicker) among the levels with work, so idle capacity flows to busy levels and a
 * low level keeps its share under a high-level backlog. A picked message below the top level that
 * waited `promoteAfterSeconds` since it was first enqueued, while a level above has fresh work, is
 * published to the level above (same body and attributes, first enqueue time kept) and acked.
 * Received messages have their ack deadline extended until settled, buffered ones included; done
 * and duplicate deliveries are acked, retries and dead-letter outcomes nacked, so Pub/Sub
 * redelivers with backoff and dead-letters after maxDeliveryAttempts. Messages of one ordering key
 * run in order, one at a time; different keys run side by side. `stop()` hands buffered messages
 * back at once, lets in-flight work finish (up to `drainSeconds`) and nacks what open pulls bring
 * meanwhile, then abandons the pulls.
 */
export class PubsubPoller {
    private stopping = false;
    private readonly inFlight = new Set<Promise<void>>();
    /** Hand-backs of deliveries that arrived or waited unstarted while stopping. */
    private readonly returning = new Set<Promise<void>>();
    private readonly levels: PollLevel[];
    private readonly collector: PullCollector<Held>;
    /** Resolves the run loop's wait for something to change. */
    private wakeUp: (() => void) | undefined;
    /** Per ordering key, whether the group's latest delivery so far was acked (resolves once it is settled). */
    private readonly groups = new Map<string, Promise<boolean>>();
    /** Deliveries finished, by what was done with them; `returned`: handed back unstarted on stop. */
    readonly counts = { acked: 0, nacked: 0, promoted: 0, returned: 0 };

    constructor(private readonly options: PubsubPollerOptions) {
        this.levels = options.levels ?? (options.subscription ? [{ weight: 1, subscriptions: [options.subscription] }] : []);
        if (this.levels.length === 0 || this.levels.some((l) => l.subscriptions.length === 0)) throw new Error("PubsubPoller: give `subscription` or levels with subscriptions");
        this.collector = new PullCollector<Held>({
            api: options.api,
            levels: this.levels,
            logger: options.logger,
            receive: (delivery, subscription) => this.receive(delivery, subscription),
            changed: () => this.wake(),
            longPoll: options.longPoll ?? true,
            idleMs: options.idleMs ?? 1000,
            collectMs: options.collectMs ?? 250,
        });
    }

    async run(): Promise<void> {
        const { concurrency } = this.options;
        while (!this.stopping) {
            const free = concurrency - this.inFlight.size;
            this.collector.fill(free);
            const next = free > 0 ? this.collector.take() : { waitMs: undefined };
            if ("item" in next) this.track(this.promotable(next.rank, next.item) ? this.promote(next.item, next.rank) : this.handle(next.item));
            else await this.changed(next.waitMs);
        }
        await this.drain();
    }

    /** Stops pulling and resolves once in-flight work has finished (or the drain time is up). */
    stop(): void {
        this.stopping = true;
        this.wake();
    }

    /** Waits until a pull or a piece of work ends, stop() is called, or `ms` pass. */
    private changed(ms: number | undefined): Promise<void> {
        return new Promise((resolve) => {
            const timer = ms === undefined ? undefined : setTimeout(() => this.wake(), ms);
            this.wakeUp = () => (clearTimeout(timer), resolve());
        });
    }

    private wake(): void {
        const wakeUp = this.wakeUp;
        this.wakeUp = undefined;
        wakeUp?.();
    }

    /** A delivery from a pull: handed back while stopping, else held (deadline extended) for the pick. */
    private receive(delivery: ReceivedMessage, subscription: string): Held | undefined {
        const held = this.hold(delivery, subscription);
        if (!this.stopping) return held;
        this.handBack(held);
        return undefined;
    }

    private hold(delivery: ReceivedMessage, subscription: string): Held {
        const { api, ackDeadlineSeconds, logger } = this.options;
        const extend = () => modifyAckDeadline(api, subscription, [delivery.ackId], ackDeadlineSeconds).catch((error) => logger.warn({ err: error }, "could not extend the ack deadline"));
        const enqueuedAt = firstEnqueuedAt(delivery.message.attributes ?? {}, new Date(delivery.message.publishTime));
        return { delivery, subscription, heartbeat: setInterval(extend, (ackDeadlineSeconds * 1000) / 2), enqueuedAt };
    }

    /** Whether a held delivery has waited `promoteAfterSeconds` since it was first enqueued. */
    private overdue(held: Held): boolean {
        const after = this.options.promoteAfterSeconds;
        return after !== undefined && promotionDue(held.enqueuedAt, after);
    }

    /**
     * Whether to promote a delivery picked to run: it is overdue and a level above has fresh (not
     * overdue) work, buffered or still coming (the last answer of a pull the pick waits for held
     * some). Only fresh work above can starve it; next to overdue work, or with nothing above,
     * moving it would cost a publish and an ack and gain no slot.
     */
    private promotable(rank: number, held: Held): boolean {
        if (rank === 0 || !this.levels[rank - 1]!.topic || !this.overdue(held)) return false;
        const fresh = (waiting: Held) => !this.overdue(waiting);
        return this.levels.slice(0, rank).some((_, above) => this.collector.items(above).some(fresh) || this.collector.awaited(above).some(fresh));
    }

    /** Publishes the message to the level above with its first enqueue time and job id, then acks it here. */
    private async promote(held: Held, rank: number): Promise<void> {
        const { message } = held.delivery;
        // The runtime's view of the message gives the job id (attribute, else message id) and the decoded body.
        const { id, body } = rawMessageOf(message, held.delivery.deliveryAttempt);
        const attributes = { ...message.attributes, [enqueuedAtAttribute]: held.enqueuedAt.toISOString(), [jobIdAttribute]: id };
        await this.settle(held, async () => {
            await publish(this.options.api, this.levels[rank - 1]!.topic!, [{ body, attributes, orderingKey: message.orderingKey }]);
            await acknowledge(this.options.api, held.subscription, [held.delivery.ackId]);
            this.counts.promoted++;
        });
    }

    /**
     * Runs one delivery. Deliveries of one ordering key run one after another, in delivery order;
     * once one is not acked the group's later deliveries are nacked unprocessed, since Pub/Sub
     * redelivers the failed message and every later one of its key, in order.
     */
    private async handle(held: Held): Promise<void> {
        const key = held.delivery.message.orderingKey;
        if (!key) return void (await this.runOne(held, true));
        const previous = this.groups.get(key) ?? Promise.resolve(true);
        const acked = previous.then((ok) => this.runOne(held, ok));
        this.groups.set(key, acked);
        await acked;
        if (this.groups.get(key) === acked) this.groups.delete(key);
    }

    /** Processes the delivery (or, when `process` is false, hands it back) and settles it; resolves whether it was acked. */
    private async runOne(held: Held, process: boolean): Promise<boolean> {
        const { api, processor } = this.options;
        let acked = false;
        await this.settle(held, async () => {
            const outcome = process ? await processor(rawMessageOf(held.delivery.message, held.delivery.deliveryAttempt)) : undefined;
            if (outcome?.kind === "done" || outcome?.kind === "duplicate") {
                await acknowledge(api, held.subscription, [held.delivery.ackId]);
                this.counts.acked++;
                acked = true;
            } else {
                await modifyAckDeadline(api, held.subscription, [held.delivery.ackId], 0);
                this.counts.nacked++;
            }
        });
        return acked;
    }

    /** Runs `work` on a held delivery, then stops its heartbeat; a failed ack or nack lets the deadline lapse (redelivery). */
    private async settle(held: Held, work: () => Promise<void>): Promise<void> {
        try {
            await work();
        } catch (error) {
            this.options.logger.warn({ err: error, messageId: held.delivery.message.messageId }, "could not settle the delivery");
        } finally {
            clearInterval(held.heartbeat);
        }
    }

    private track(work: Promise<void>): void {
        this.inFlight.add(work);
        void work.finally(() => {
            this.inFlight.delete(work);
            this.wake();
        });
    }

    /** Hands an unstarted delivery back to Pub/Sub at once (ack deadline 0): it is redelivered without waiting out its lease. */
    private handBack(held: Held): void {
        const work = this.settle(held, async () => {
            await modifyAckDeadline(this.options.api, held.subscription, [held.delivery.ackId], 0);
            this.counts.returned++;
        });
        this.returning.add(work);
        void work.finally(() => this.returning.delete(work));
    }

    /**
     * Hands buffered deliveries back at once, waits for in-flight work (up to drainSeconds) with the
     * pulls still open (what they bring is handed back too), then abandons the pulls.
     */
    private async drain(): Promise<void> {
        for (const held of this.collector.takeAll()) this.handBack(held);
        const timeout = sleep(this.options.drainSeconds * 1000).then(() => "timeout" as const);
        if ((await Promise.race([Promise.all(this.inFlight), timeout])) === "timeout") {
            this.options.logger.warn({ inFlight: this.inFlight.size }, "drain time is up; Pub/Sub redelivers the unfinished messages");
        }
        await this.collector.abandon();
        await Promise.all(this.returning);
    }
}
