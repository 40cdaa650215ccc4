import type { ServiceBusReceivedMessage, ServiceBusReceiver, ServiceBusSessionReceiver } from "@azure/service-bus";
import type { Logger, Outcome, Processor } from "../runtime";
import { processHeld, sleep } from "./hold";
import { deadLetterText, rawMessageOf } from "./service-bus-message";

/** The settling calls a peek-lock receiver (plain or session) offers. */
export type SettlingReceiver = Pick<ServiceBusReceiver, "receiveMessages" | "completeMessage" | "abandonMessage" | "deadLetterMessage" | "close">;
/** A receiver on a queue without sessions: message locks are renewed one by one. */
export type MessageReceiver = SettlingReceiver & Pick<ServiceBusReceiver, "renewMessageLock">;
/** A receiver holding one session: its lock covers the session's messages. */
export type SessionReceiver = SettlingReceiver & Pick<ServiceBusSessionReceiver, "renewSessionLock" | "sessionId">;

/** The part of `@azure/service-bus`'s `ServiceBusClient` the receiver uses (the real client is one). */
export interface ServiceBusClientLike {
    createReceiver(queueName: string, options: { receiveMode: "peekLock"; maxAutoLockRenewalDurationInMs: number }): MessageReceiver;
    acceptNextSession(queueName: string, options: { receiveMode: "peekLock"; maxAutoLockRenewalDurationInMs: number; abortSignal?: AbortSignal }): Promise<SessionReceiver>;
    close(): Promise<void>;
}

export interface ServiceBusReceiverOptions {
    processor: Processor;
    client: ServiceBusClientLike;
    /** The physical queue (env QUEUESTACK_QUEUE_NAME). */
    queueName: string;
    /** The queue requires sessions: `concurrency` sessions run at once, each in order. */
    sessions: boolean;
    logger: Logger;
    /** Messages (or sessions) processed at once. */
    concurrency: number;
    /** The queue's lock duration; locks are renewed every third of it while work runs. */
    lockDurationSeconds: number;
    /** How long `stop()` waits for running messages before abandoning them. */
    drainSeconds: number;
    /** Longest wait of one receive; also how long an idle session is kept. @default 5000 */
    receiveWaitMs?: number;
    /**
     * How long a failed delivery is held (its lock renewed) before it is abandoned, by attempt.
     * Service Bus redelivers an abandoned message at once; without a pause a short outage would use
     * up maxDeliveryCount in seconds. A delivery meeting another's idempotency lease waits for it
     * and runs again instead (processHeld).
     * @default 1 s, doubling per attempt, at most 60 s (cut short by `stop()`)
     */
    retryDelayMs?: (attempt: number) => number;
}

/** What the receiver did, for logs and tests. */
export interface ReceiverCounts {
    received: number;
    completed: number;
    abandoned: number;
    deadLettered: number;
    lockRenewals: number;
    returnedOnStop: number;
}

interface InFlight {
    receiver: SettlingReceiver;
    /** Abandoned by a drain that ran out of time: the late outcome is not settled. */
    returned: boolean;
}

/**
 * Consumes a Service Bus queue on a VM in peek-lock mode: up to `concurrency` messages (or
 * sessions, in order within each) at once, locks renewed while work runs, and each outcome settled:
 * done/duplicate -> complete; retry -> abandon after a pause (redelivered, dead-lettered by Service
 * Bus after maxDeliveryCount); dead-letter -> dead-letter now with the reason. `stop()` drains.
 */
export class ServiceBusQueueReceiver {
    readonly counts: ReceiverCounts = { received: 0, completed: 0, abandoned: 0, deadLettered: 0, lockRenewals: 0, returnedOnStop: 0 };
    protected readonly inFlight = new Map<ServiceBusReceivedMessage, InFlight>();
    protected readonly stopping = new AbortController();
    /** Resolves `drainSeconds` after `stop()`: running work gets no longer than that. */
    protected readonly drainTimeUp: Promise<void>;
    private running: Promise<void> | undefined;

    constructor(protected readonly options: ServiceBusReceiverOptions) {
        if (!Number.isInteger(options.concurrency) || options.concurrency < 1) throw new Error(`concurrency must be a positive integer, got ${options.concurrency}`);
        this.drainTimeUp = new Promise((resolve) =>
            this.stopping.signal.addEventListener("abort", () => setTimeout(resolve, options.drainSeconds * 1000).unref(), { once: true }),
        );
    }

    /** Starts receiving; resolves once `stop()` has drained everything and the client is closed. */
    run(): Promise<void> {
        this.running ??= this.loop();
        return this.running;
    }

    /** Stops receiving, waits up to drainSeconds for running messages, abandons the rest. */
    async stop(): Promise<ReceiverCounts> {
        if (!this.stopping.signal.aborted) {
            this.options.logger.info({ inFlight: this.inFlight.size }, "stopping: draining running messages");
            this.stopping.abort();
        }
        await this.running;
        return this.counts;
    }

    private get renewEveryMs(): number {
        return Math.max(200, (this.options.lockDurationSeconds * 1000) / 3);
    }

    private async loop(): Promise<void> {
        const { client, logger, concurrency, sessions } = this.options;
        try {
            if (sessions) await Promise.all(Array.from({ length: concurrency }, () => this.sessionLoop()));
            else await this.messageLoop();
        } finally {
            await client.close().catch((error: unknown) => logger.warn({ err: error }, "could not close the Service Bus client"));
            logger.info({ ...this.counts }, "receiver stopped");
        }
    }

    /** Receives from the one queue without sessions, up to `concurrency` messages at once. */
    protected async messageLoop(): Promise<void> {
        const { client, queueName, concurrency, logger } = this.options;
        const receiver = client.createReceiver(queueName, { receiveMode: "peekLock", maxAutoLockRenewalDurationInMs: 0 });
        const signal = this.stopping.signal;
        const running = new Set<Promise<void>>();
        try {
            while (!signal.aborted) {
                const free = concurrency - running.size;
                if (free <= 0) {
                    await Promise.race([...running, this.drainTimeUp]);
                    continue;
                }
                let batch: ServiceBusReceivedMessage[];
                try {
                    batch = await receiver.receiveMessages(Math.min(free, 100), { maxWaitTimeInMs: this.options.receiveWaitMs ?? 5000, abortSignal: signal });
                } catch (error) {
                    if (signal.aborted) break;
                    logger.warn({ err: error }, "receive failed; retrying");
                    await sleep(1000, signal);
                    continue;
                }
                for (const message of batch) {
                    const work = this.process(receiver, message, () => receiver.renewMessageLock(message));
                    running.add(work);
                    void work.finally(() => running.delete(work));
                }
            }
        } finally {
            await Promise.race([Promise.all(running), this.drainTimeUp]);
            await this.returnUnfinished();
            await receiver.close().catch(() => undefined);
        }
    }

    private async sessionLoop(): Promise<void> {
        const { client, queueName, logger } = this.options;
        const signal = this.stopping.signal;
        while (!signal.aborted) {
            let session: SessionReceiver;
            try {
                session = await client.acceptNextSession(queueName, { receiveMode: "peekLock", maxAutoLockRenewalDurationInMs: 0, abortSignal: signal });
            } catch (error) {
                if (signal.aborted) break;
                // No session has messages: the service answers ServiceTimeout after its own wait, or
                // SessionCannotBeLocked when every session with messages is held by another receiver.
                const code = (error as { code?: string }).code;
                if (code === "ServiceTimeout") continue;
                if (code !== "SessionCannotBeLocked") logger.warn({ err: error }, "could not accept a session; retrying");
                await sleep(1000, signal);
                continue;
            }
            const renew = setInterval(() => {
                session.renewSessionLock().then(
                    () => this.counts.lockRenewals++,
                    (error: unknown) => logger.warn({ err: error, sessionId: session.sessionId }, "could not renew the session lock"),
                );
            }, this.renewEveryMs);
            try {
                // One message at a time keeps the session's order; a retried message is redelivered first.
                while (!signal.aborted) {
                    const [message] = await session.receiveMessages(1, { maxWaitTimeInMs: this.options.receiveWaitMs ?? 5000 });
                    if (!message) break;
                    await Promise.race([this.process(session, message), this.drainTimeUp]);
                }
            } catch (error) {
                logger.warn({ err: error, sessionId: session.sessionId }, "the session failed; its lock lapses and another receiver takes it");
            } finally {
                clearInterval(renew);
                await this.returnUnfinished();
                await session.close().catch(() => undefined);
            }
        }
    }

    /** Runs one message to its outcome and settles it; the lock is renewed meanwhile (`renew`). */
    protected async process(receiver: SettlingReceiver, message: ServiceBusReceivedMessage, renew?: () => Promise<unknown>): Promise<void> {
        const { processor, logger } = this.options;
        this.counts.received++;
        const entry: InFlight = { receiver, returned: false };
        this.inFlight.set(message, entry);
        const heartbeat = renew
            ? setInterval(() => {
                  renew().then(
                      () => this.counts.lockRenewals++,
                      (error: unknown) => logger.warn({ err: error, messageId: message.messageId }, "could not renew the message lock"),
                  );
              }, this.renewEveryMs)
            : undefined;
        try {
            const outcome = await processHeld(processor, rawMessageOf(message), { retryDelayMs: this.options.retryDelayMs, stop: this.stopping.signal });
            clearInterval(heartbeat);
            if (!entry.returned) await this.settle(receiver, message, outcome);
        } catch (error) {
            // Settling failed (lock lost): the lock lapses and Service Bus redelivers the message.
            logger.warn({ err: error, messageId: message.messageId }, "could not settle the message");
        } finally {
            clearInterval(heartbeat);
            this.inFlight.delete(message);
        }
    }

    private async settle(receiver: SettlingReceiver, message: ServiceBusReceivedMessage, outcome: Outcome): Promise<void> {
        switch (outcome.kind) {
            case "done":
            case "duplicate":
                await receiver.completeMessage(message);
                this.counts.completed++;
                return;
            case "retry":
                await receiver.abandonMessage(message);
                this.counts.abandoned++;
                return;
            case "dead-letter":
                await receiver.deadLetterMessage(message, {
                    deadLetterReason: deadLetterText(outcome.reason),
                    deadLetterErrorDescription: `dead-lettered by the worker on delivery ${(message.deliveryCount ?? 0) + 1}: retrying cannot help`,
                });
                this.counts.deadLettered++;
        }
    }

    /** Once the drain time is up: abandons running messages so other receivers take them at once. */
    protected async returnUnfinished(): Promise<void> {
        if (!this.stopping.signal.aborted) return;
        for (const [message, entry] of this.inFlight) {
            if (entry.returned) continue;
            entry.returned = true;
            this.counts.returnedOnStop++;
            this.options.logger.warn({ messageId: message.messageId }, "drain time is up; returning a running message to the queue");
            await entry.receiver.abandonMessage(message).catch((error: unknown) => this.options.logger.warn({ err: error, messageId: message.messageId }, "could not return a running message; its lock lapses"));
        }
    }
}
