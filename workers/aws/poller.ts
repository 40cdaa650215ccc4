import {
    ChangeMessageVisibilityBatchCommand,
    DeleteMessageBatchCommand,
    ReceiveMessageCommand,
    type Message as SqsMessage,
    type SQSClient,
} from "@aws-sdk/client-sqs";
import { describeError, firstEnqueuedAt, type Logger, type Outcome, type Processor, type RawMessage } from "../runtime";
import { LevelPlanner, type PolledQueue } from "./level-planner";
import { fromApiMessage, receivedSystemAttributes } from "./sqs-message";

/** How the poller runs. */
export interface SqsPollerOptions {
    processor: Processor;
    sqs: SQSClient;
    /** The queue to consume. Give `queues` instead for a queue with priority levels. */
    queueUrl?: string;
    /** Priority levels to consume by weight, highest first (QUEUESTACK_QUEUE_LEVELS). */
    queues?: PolledQueue[];
    /** With `queues`: a level whose messages have waited this long is served with the weight of the level above. */
    promoteAfterSeconds?: number;
    logger: Logger;
    /** Messages processed at once (may exceed SQS's 10 per receive: several receives run side by side). */
    concurrency: number;
    /** The queue's visibility timeout; the heartbeat extends running messages by this much. */
    visibilityTimeoutSeconds: number;
    /** Long-polling wait per receive, 1-20 s (at most 5 s with several levels, so idle polls free their slots soon). @default 20 */
    waitSeconds?: number;
    /** How long `stop()` waits for running messages before returning them to the queue. @default 30 */
    drainSeconds?: number;
}

/** What the poller did, for logs and tests. */
export interface PollerCounts {
    received: number;
    deleted: number;
    retried: number;
    deadLettered: number;
    returnedOnStop: number;
}

/** A received message, the queue it came from, and the runtime's view of it (decoded once). */
interface Held {
    message: SqsMessage;
    url: string;
    raw: RawMessage;
}

interface InFlight extends Held {
    extendedAt: number;
}

/**
 * What keys a delivery in flight: its receipt handle, unique per receive. Not the message id: SQS
 * delivers at least once, and two receives may return the same message side by side; each copy
 * must count against concurrency, be extended by the heartbeat and be waited for on stop.
 */
const deliveryOf = (message: SqsMessage) => message.ReceiptHandle ?? message.MessageId ?? "";

const sqsBatch = 10;
const flushDelayMs = 50;

/** Held messages grouped by queue, in batches of at most 10 (the SQS batch limit). */
function byQueue(held: Held[]): [string, SqsMessage[]][] {
    const queues = new Map<string, SqsMessage[]>();
    for (const { url, message } of held) queues.set(url, [...(queues.get(url) ?? []), message]);
    return [...queues].flatMap(([url, messages]) =>
        Array.from({ length: Math.ceil(messages.length / sqsBatch) }, (_, i): [string, SqsMessage[]] => [url, messages.slice(i * sqsBatch, (i + 1) * sqsBatch)]));
}

/**
 * Consumes an SQS queue on a VM: long polling with several receives in flight so up to
 * `concurrency` messages run at once, a visibility heartbeat for work that outlives the visibility
 * timeout, batched deletes, and a graceful stop that finishes or returns running messages. A queue
 * with priority levels is consumed by weight across the levels that have work (see LevelPlanner).
 */
export class SqsPoller {
    readonly counts: PollerCounts = { received: 0, deleted: 0, retried: 0, deadLettered: 0, returnedOnStop: 0 };
    private readonly inFlight = new Map<string, InFlight>();
    private readonly receiving = new AbortController();
    private reserved = 0;
    private stopping = false;
    private deletes: Held[] = [];
    private flushTimer: NodeJS.Timeout | undefined;
    private readonly idle = new Set<() => void>();
    private running: Promise<void> | undefined;
    private readonly planner: LevelPlanner;

    constructor(private readonly options: SqsPollerOptions) {
        if (!Number.isInteger(options.concurrency) || options.concurrency < 1) throw new Error(`concurrency must be a positive integer, got ${options.concurrency}`);
        const queues = options.queues ?? (options.queueUrl === undefined ? [] : [{ url: options.queueUrl }]);
        if (queues.length === 0) throw new Error("SqsPoller needs queueUrl or at least one entry in queues");
        const longPollSeconds = Math.min(options.waitSeconds ?? 20, queues.length > 1 ? 5 : 20);
        this.planner = new LevelPlanner(queues, { promoteAfterSeconds: options.promoteAfterSeconds, longPollSeconds });
    }

    /** Starts polling; resolves once `stop()` has drained everything. */
    run(): Promise<void> {
        this.running ??= this.loop();
        return this.running;
    }

    /** Stops receiving, waits up to drainSeconds for running messages, returns the rest to the queue. */
    async stop(): Promise<PollerCounts> {
        if (!this.stopping) {
            this.stopping = true;
            this.options.logger.info({ inFlight: this.inFlight.size }, "stopping: draining running messages");
            this.receiving.abort();
            this.wake();
        }
        await this.running;
        return this.counts;
    }

    private async loop(): Promise<void> {
        const { concurrency, visibilityTimeoutSeconds } = this.options;
        const heartbeatMs = Math.max(500, (visibilityTimeoutSeconds * 1000) / 3);
        const heartbeat = setInterval(() => void this.heartbeat(heartbeatMs), heartbeatMs);
        // At least one receiver per level, so idle levels are long-polled side by side.
        const receivers = Math.min(Math.max(Math.ceil(concurrency / sqsBatch), this.planner.queues.length), 10);
        try {
            await Promise.all(Array.from({ length: receivers }, (_, receiver) => this.receiveLoop(receiver, receivers)));
            await this.drain();
        } finally {
            clearInterval(heartbeat);
            await this.flushDeletes();
            this.options.logger.info({ ...this.counts }, "poller stopped");
        }
    }

    private async receiveLoop(receiver: number, receivers: number): Promise<void> {
        const { sqs, concurrency, logger } = this.options;
        const share = Math.max(1, Math.floor(concurrency / receivers));
        // With several levels a receive asks for at most this receiver's share, so one idle long poll cannot hold every slot.
        const part = this.planner.queues.length > 1 ? share : sqsBatch;
        // Receive only once a receiver's share of slots is free: a receive costs the same for 1 message
        // as for 10, so refilling slot by slot would multiply the receives without speeding the work.
        const fullBatch = Math.min(sqsBatch, share);
        let failures = 0;
        while (!this.stopping) {
            const free = concurrency - this.inFlight.size - this.reserved;
            if (free < fullBatch) {
                await new Promise<void>((resolve) => this.idle.add(resolve));
                continue;
            }
            const wanted = Math.min(sqsBatch, free, part);
            const plan = this.planner.next(receiver);
            const url = this.planner.queues[plan.index]!.url;
            this.reserved += wanted;
            try {
                const { Messages = [] } = await sqs.send(
                    new ReceiveMessageCommand({
                        QueueUrl: url,
                        MaxNumberOfMessages: wanted,
                        WaitTimeSeconds: plan.waitSeconds,
                        MessageSystemAttributeNames: [...receivedSystemAttributes],
                        MessageAttributeNames: ["All"],
                    }),
                    { abortSignal: this.receiving.signal },
                );
                failures = 0;
                this.reserved -= wanted;
                this.dispatch(Messages, url, plan.index);
            } catch (error) {
                this.reserved -= wanted;
                if (this.stopping) break;
                failures++;
                logger.warn({ err: error, failures }, "receive failed; backing off");
                await new Promise((resolve) => setTimeout(resolve, Math.min(20_000, 250 * 2 ** failures)));
            }
        }
    }

    /** Starts a received batch: unordered messages at once, each FIFO group's messages one after another. */
    private dispatch(messages: SqsMessage[], url: string, level: number): void {
        const groups = new Map<string, Held[]>();
        const held = messages.map((message) => ({ message, url, raw: fromApiMessage(message) }));
        this.planner.received(level, held.map(({ raw }) => firstEnqueuedAt(raw.attributes, raw.enqueuedAt)));
        for (const one of held) {
            const { message } = one;
            this.counts.received++;
            this.inFlight.set(deliveryOf(message), { ...one, extendedAt: Date.now() });
            const group = message.Attributes?.MessageGroupId;
            if (group === undefined) void this.process(one);
            else groups.set(group, [...(groups.get(group) ?? []), one]);
        }
        for (const group of groups.values()) void this.processInOrder(group);
    }

    /**
     * Runs one FIFO group's messages in order. After a failure the group's later messages go back to
     * the queue (SQS holds them until the failed one is done), so the group never runs out of order.
     */
    private async processInOrder(group: Held[]): Promise<void> {
        for (const [index, held] of group.entries()) {
            // Returned to the queue by a stop that ran out of time.
            if (!this.inFlight.has(deliveryOf(held.message))) return;
            const outcome = await this.process(held);
            if (outcome.kind === "retry" || outcome.kind === "dead-letter") {
                const rest = group.slice(index + 1).filter((m) => this.inFlight.delete(deliveryOf(m.message)));
                if (rest.length > 0) await this.changeVisibility(rest, 0);
                this.wake();
                return;
            }
        }
    }

    private async process(held: Held): Promise<Outcome> {
        const outcome = await this.options
            .processor(held.raw)
            .catch((error): Outcome => ({ kind: "retry", reason: describeError(error) }));
        this.inFlight.delete(deliveryOf(held.message));
        await this.settle(held, outcome);
        this.wake();
        return outcome;
    }

    private async settle(held: Held, outcome: Outcome): Promise<void> {
        if (outcome.kind === "done" || outcome.kind === "duplicate") {
            this.deletes.push(held);
            if (this.deletes.length >= sqsBatch) await this.flushDeletes();
            else this.flushTimer ??= setTimeout(() => void this.flushDeletes(), flushDelayMs);
            return;
        }
        if (outcome.kind === "dead-letter") this.counts.deadLettered++;
        else this.counts.retried++;
        // Dead-lettered (and, while stopping, retried) messages come back at once; others wait out their visibility.
        if (outcome.kind === "dead-letter" || this.stopping) await this.changeVisibility([held], 0);
    }

    private async flushDeletes(): Promise<void> {
        clearTimeout(this.flushTimer);
        this.flushTimer = undefined;
        const batch = this.deletes;
        this.deletes = [];
        for (const [url, part] of byQueue(batch)) {
            try {
                const out = await this.options.sqs.send(
                    new DeleteMessageBatchCommand({ QueueUrl: url, Entries: part.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })) }),
                );
                this.counts.deleted += out.Successful?.length ?? 0;
                if (out.Failed?.length) this.options.logger.error({ failed: out.Failed }, "some deletes failed; those messages will be redelivered and suppressed as duplicates");
            } catch (error) {
                this.options.logger.error({ err: error, count: part.length }, "delete failed; those messages will be redelivered and suppressed as duplicates");
            }
        }
    }

    /** Extends the visibility of messages running longer than a third of the timeout. */
    private async heartbeat(everyMs: number): Promise<void> {
        const due = [...this.inFlight.values()].filter((f) => Date.now() - f.extendedAt >= everyMs - 50);
        if (due.length === 0) return;
        for (const f of due) f.extendedAt = Date.now();
        await this.changeVisibility(due, this.options.visibilityTimeoutSeconds);
    }

    private async changeVisibility(messages: Held[], seconds: number): Promise<void> {
        for (const [url, part] of byQueue(messages)) {
            try {
                await this.options.sqs.send(
                    new ChangeMessageVisibilityBatchCommand({
                        QueueUrl: url,
                        Entries: part.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: seconds })),
                    }),
                );
            } catch (error) {
                this.options.logger.warn({ err: error, count: part.length, seconds }, "could not change message visibility");
            }
        }
    }

    /** Waits for running messages up to drainSeconds, then returns the unfinished ones to the queue. */
    private async drain(): Promise<void> {
        const deadline = Date.now() + (this.options.drainSeconds ?? 30) * 1000;
        while (this.inFlight.size > 0 && Date.now() < deadline) {
            await new Promise<void>((resolve) => {
                const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
                this.idle.add(() => (clearTimeout(timer), resolve()));
            });
        }
        const unfinished = [...this.inFlight.values()];
        if (unfinished.length === 0) return;
        this.counts.returnedOnStop += unfinished.length;
        this.options.logger.warn({ count: unfinished.length }, "returning unfinished messages to the queue");
        for (const { message } of unfinished) this.inFlight.delete(deliveryOf(message));
        await this.changeVisibility(unfinished, 0);
    }

    private wake(): void {
        const waiting = [...this.idle];
        this.idle.clear();
        for (const resolve of waiting) resolve();
    }
}
