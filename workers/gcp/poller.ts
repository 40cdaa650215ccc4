import { type Logger, type Processor, WeightedPicker, enqueuedAtAttribute, firstEnqueuedAt, promotionDue } from "../runtime";
import type { GoogleApiCall } from "./google-api";
import { acknowledge, modifyAckDeadline, publish, pull, type ReceivedMessage } from "./pubsub-api";
import { jobIdAttribute, rawMessageOf } from "./pubsub-message";

/** One priority level the poller reads (a queue without priorities is one level). */
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
    /** Pause after an empty or failed pull, milliseconds. @default 1000 */
    idleMs?: number;
    /**
     * Hold each pull open until messages arrive (long polling), with a single subscription. Turn it
     * off against the Pub/Sub emulator, which keeps a pull open until its own timeout even once
     * nacked messages are back. Several subscriptions are always pulled without waiting, side by side.
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
 * `concurrency` at once. With several levels it keeps a small buffer per level (refilled, when
 * empty, with the level's weighted share of the free slots) and starts the next message from the
 * level WeightedPicker names among those with work, so idle capacity flows to busy levels. A
 * message below the top level that waited `promoteAfterSeconds` since it was first enqueued,
 * while a level above has fresh work, is published to the level above (same body and attributes,
 * first enqueue time kept) and acked.
 * Received messages have their ack deadline extended until settled; done and duplicate deliveries
 * are acked, retries and dead-letter outcomes nacked, so Pub/Sub redelivers with backoff and
 * dead-letters after maxDeliveryAttempts. Messages of one ordering key run in order, one at a
 * time; different keys run side by side. `stop()` drains and hands buffered messages back.
 */
export class PubsubPoller {
    private stopping = false;
    private readonly inFlight = new Set<Promise<void>>();
    private readonly levels: PollLevel[];
    private readonly buffers: Held[][];
    private readonly nextSubscription: number[];
    private readonly picker: WeightedPicker;
    /** Sum of the levels' weights: each level's share of free slots is its weight over it. */
    private readonly totalWeight: number;
    /** Pull without waiting: long polling is off, or there are several subscriptions to pull side by side. */
    private readonly returnImmediately: boolean;
    /** Per ordering key, whether the group's latest delivery so far was acked (resolves once it is settled). */
    private readonly groups = new Map<string, Promise<boolean>>();
    /** Deliveries finished, by what was done with them. */
    readonly counts = { acked: 0, nacked: 0, promoted: 0 };

    constructor(private readonly options: PubsubPollerOptions) {
        this.levels = options.levels ?? (options.subscription ? [{ weight: 1, subscriptions: [options.subscription] }] : []);
        if (this.levels.length === 0 || this.levels.some((l) => l.subscriptions.length === 0)) throw new Error("PubsubPoller: give `subscription` or levels with subscriptions");
        this.buffers = this.levels.map(() => []);
        this.nextSubscription = this.levels.map(() => 0);
        this.picker = new WeightedPicker(this.levels.map((l) => l.weight));
        this.totalWeight = this.levels.reduce((sum, l) => sum + l.weight, 0);
        const sources = this.levels.reduce((sum, l) => sum + l.subscriptions.length, 0);
        this.returnImmediately = options.longPoll === false || sources > 1;
    }

    async run(): Promise<void> {
        const { concurrency } = this.options;
        while (!this.stopping) {
            if (this.inFlight.size >= concurrency) {
                await Promise.race(this.inFlight);
                continue;
            }
            await this.refill(concurrency - this.inFlight.size);
            let started = 0;
            for (let level = this.pick(); level !== undefined && this.inFlight.size < concurrency; level = this.inFlight.size < concurrency ? this.pick() : undefined) {
                this.track(this.handle(this.buffers[level]!.shift()!));
                started++;
            }
            if (started === 0) await Promise.race([sleep(this.options.idleMs ?? 1000), ...this.inFlight]);
        }
        await this.drain();
    }

    /** Stops pulling and resolves once in-flight work has finished (or the drain time is up). */
    stop(): void {
        this.stopping = true;
    }

    private pick(): number | undefined {
        return this.picker.next((level) => this.buffers[level]!.length > 0);
    }

    /**
     * Pulls, side by side, for every level whose buffer is empty: its weighted share of `free`
     * slots (at least 1). Then, highest level first, buffers what arrived or promotes it.
     */
    private async refill(free: number): Promise<void> {
        const arrived = await Promise.all(
            this.levels.map(async (level, rank) => {
                if (this.buffers[rank]!.length > 0) return [];
                const subscription = level.subscriptions[this.nextSubscription[rank]!++ % level.subscriptions.length]!;
                const wanted = this.levels.length === 1 ? free : Math.max(1, Math.ceil((free * level.weight) / this.totalWeight));
                try {
                    return (await pull(this.options.api, subscription, Math.min(wanted, 1000), { returnImmediately: this.returnImmediately })).map((d) => this.hold(d, subscription));
                } catch (error) {
                    this.options.logger.warn({ err: error, subscription }, "pull failed; retrying");
                    return [];
                }
            }),
        );
        arrived.forEach((held, rank) => {
            for (const h of held) {
                if (this.promotable(rank, h)) this.track(this.promote(h, rank));
                else this.buffers[rank]!.push(h);
            }
        });
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
     * Whether to promote a delivery: it is overdue and a level above has fresh (not overdue) work
     * buffered. Only fresh work above can starve it; next to overdue work, or with nothing above,
     * moving it would cost a publish and an ack and gain no slot.
     */
    private promotable(rank: number, held: Held): boolean {
        if (rank === 0 || !this.levels[rank - 1]!.topic || !this.overdue(held)) return false;
        return this.buffers.slice(0, rank).some((buffer) => buffer.some((above) => !this.overdue(above)));
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
        void work.finally(() => this.inFlight.delete(work));
    }

    /** Waits for in-flight work (up to drainSeconds) and hands buffered deliveries back at once. */
    private async drain(): Promise<void> {
        const buffered = this.buffers.flatMap((b) => b.splice(0));
        await Promise.all(buffered.map((held) => this.settle(held, () => modifyAckDeadline(this.options.api, held.subscription, [held.delivery.ackId], 0).then(() => undefined))));
        const timeout = sleep(this.options.drainSeconds * 1000).then(() => "timeout" as const);
        if ((await Promise.race([Promise.all(this.inFlight), timeout])) === "timeout") {
            this.options.logger.warn({ inFlight: this.inFlight.size }, "drain time is up; Pub/Sub redelivers the unfinished messages");
        }
    }
}
