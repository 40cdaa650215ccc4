import type { Logger, Processor } from "../runtime";
import type { GoogleApiCall } from "./google-api";
import { acknowledge, modifyAckDeadline, pull, type ReceivedMessage } from "./pubsub-api";
import { rawMessageOf } from "./pubsub-message";

export interface PubsubPollerOptions {
    processor: Processor;
    /** A Pub/Sub REST client (see pubsubApi). */
    api: GoogleApiCall;
    /** `projects/<p>/subscriptions/<s>`. */
    subscription: string;
    logger: Logger;
    /** Messages in work at once. */
    concurrency: number;
    /** The subscription's ack deadline: work in progress is extended every half of it. */
    ackDeadlineSeconds: number;
    /** On stop, how long in-flight work may finish before the poller gives up on it. */
    drainSeconds: number;
    /** Pause after an empty or failed pull, milliseconds. @default 1000 */
    idleMs?: number;
    /**
     * Hold each pull open until messages arrive (long polling). Turn it off against the Pub/Sub
     * emulator, which keeps a pull open until its own timeout even once nacked messages are back.
     * @default true
     */
    longPoll?: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Pulls from a Pub/Sub subscription and runs each delivery through the processor, at most
 * `concurrency` at once. Work in progress has its ack deadline extended; done and duplicate
 * deliveries are acked; retries and dead-letter outcomes are nacked (deadline 0), so Pub/Sub
 * redelivers with backoff and dead-letters after maxDeliveryAttempts. `stop()` drains.
 */
export class PubsubPoller {
    private stopping = false;
    private readonly inFlight = new Set<Promise<void>>();
    /** Deliveries finished, by what was done with them. */
    readonly counts = { acked: 0, nacked: 0 };

    constructor(private readonly options: PubsubPollerOptions) {}

    async run(): Promise<void> {
        const { api, subscription, concurrency, logger } = this.options;
        const idleMs = this.options.idleMs ?? 1000;
        while (!this.stopping) {
            if (this.inFlight.size >= concurrency) {
                await Promise.race(this.inFlight);
                continue;
            }
            let received: ReceivedMessage[] = [];
            try {
                received = await pull(api, subscription, Math.min(concurrency - this.inFlight.size, 1000), { returnImmediately: this.options.longPoll === false });
            } catch (error) {
                logger.warn({ err: error }, "pull failed; retrying");
            }
            for (const delivery of received) this.track(this.handle(delivery));
            if (received.length === 0) await sleep(idleMs);
        }
        await this.drain();
    }

    /** Stops pulling and resolves once in-flight work has finished (or the drain time is up). */
    stop(): void {
        this.stopping = true;
    }

    private track(work: Promise<void>): void {
        this.inFlight.add(work);
        void work.finally(() => this.inFlight.delete(work));
    }

    private async drain(): Promise<void> {
        const timeout = sleep(this.options.drainSeconds * 1000).then(() => "timeout" as const);
        if ((await Promise.race([Promise.all(this.inFlight), timeout])) === "timeout") {
            this.options.logger.warn({ inFlight: this.inFlight.size }, "drain time is up; Pub/Sub redelivers the unfinished messages");
        }
    }

    private async handle(delivery: ReceivedMessage): Promise<void> {
        const { api, subscription, processor, ackDeadlineSeconds, logger } = this.options;
        const extend = () => modifyAckDeadline(api, subscription, [delivery.ackId], ackDeadlineSeconds).catch((error) => logger.warn({ err: error }, "could not extend the ack deadline"));
        const heartbeat = setInterval(extend, (ackDeadlineSeconds * 1000) / 2);
        try {
            const outcome = await processor(rawMessageOf(delivery.message, delivery.deliveryAttempt));
            if (outcome.kind === "done" || outcome.kind === "duplicate") {
                await acknowledge(api, subscription, [delivery.ackId]);
                this.counts.acked++;
            } else {
                await modifyAckDeadline(api, subscription, [delivery.ackId], 0);
                this.counts.nacked++;
            }
        } catch (error) {
            // The ack or nack failed: the deadline lapses and Pub/Sub redelivers.
            logger.warn({ err: error, messageId: delivery.message.messageId }, "could not settle the delivery");
        } finally {
            clearInterval(heartbeat);
        }
    }
}
