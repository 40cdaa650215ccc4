import {
    ChangeMessageVisibilityBatchCommand,
    DeleteMessageBatchCommand,
    ReceiveMessageCommand,
    type Message as SqsMessage,
    type SQSClient,
} from "@aws-sdk/client-sqs";
import { describeError, type Logger, type Outcome, type Processor } from "../runtime";
import { fromApiMessage, receivedSystemAttributes } from "./sqs-message";

/** How the poller runs. */
export interface SqsPollerOptions {
    processor: Processor;
    sqs: SQSClient;
    queueUrl: string;
    logger: Logger;
    /** Messages processed at once (may exceed SQS's 10 per receive: several receives run side by side). */
    concurrency: number;
    /** The queue's visibility timeout; the heartbeat extends running messages by this much. */
    visibilityTimeoutSeconds: number;
    /** Long-polling wait per receive, 1-20 s. @default 20 */
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

interface InFlight {
    message: SqsMessage;
    extendedAt: number;
}

const sqsBatch = 10;
const flushDelayMs = 50;

const chunk = <T>(items: T[]) => Array.from({ length: Math.ceil(items.length / sqsBatch) }, (_, i) => items.slice(i * sqsBatch, (i + 1) * sqsBatch));

/**
 * Consumes an SQS queue on a VM: long polling with several receives in flight so up to
 * `concurrency` messages run at once, a visibility heartbeat for work that outlives the visibility
 * timeout, batched deletes, and a graceful stop that finishes or returns running messages.
 */
export class SqsPoller {
    readonly counts: PollerCounts = { received: 0, deleted: 0, retried: 0, deadLettered: 0, returnedOnStop: 0 };
    private readonly inFlight = new Map<string, InFlight>();
    private readonly receiving = new AbortController();
    private reserved = 0;
    private stopping = false;
    private deletes: SqsMessage[] = [];
    private flushTimer: NodeJS.Timeout | undefined;
    private readonly idle = new Set<() => void>();
    private running: Promise<void> | undefined;

    constructor(private readonly options: SqsPollerOptions) {
        if (!Number.isInteger(options.concurrency) || options.concurrency < 1) throw new Error(`concurrency must be a positive integer, got ${options.concurrency}`);
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
        const receivers = Math.min(Math.ceil(concurrency / sqsBatch), 10);
        try {
            await Promise.all(Array.from({ length: receivers }, () => this.receiveLoop()));
            await this.drain();
        } finally {
            clearInterval(heartbeat);
            await this.flushDeletes();
            this.options.logger.info({ ...this.counts }, "poller stopped");
        }
    }

    private async receiveLoop(): Promise<void> {
        const { sqs, queueUrl, concurrency, logger } = this.options;
        let failures = 0;
        while (!this.stopping) {
            const free = concurrency - this.inFlight.size - this.reserved;
            if (free <= 0) {
                await new Promise<void>((resolve) => this.idle.add(resolve));
                continue;
            }
            const wanted = Math.min(sqsBatch, free);
            this.reserved += wanted;
            try {
                const { Messages = [] } = await sqs.send(
                    new ReceiveMessageCommand({
                        QueueUrl: queueUrl,
                        MaxNumberOfMessages: wanted,
                        WaitTimeSeconds: this.options.waitSeconds ?? 20,
                        MessageSystemAttributeNames: [...receivedSystemAttributes],
                        MessageAttributeNames: ["All"],
                    }),
                    { abortSignal: this.receiving.signal },
                );
                failures = 0;
                this.reserved -= wanted;
                this.dispatch(Messages);
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
    private dispatch(messages: SqsMessage[]): void {
        const groups = new Map<string, SqsMessage[]>();
        for (const message of messages) {
            this.counts.received++;
            this.inFlight.set(message.MessageId ?? "", { message, extendedAt: Date.now() });
            const group = message.Attributes?.MessageGroupId;
            if (group === undefined) void this.process(message);
            else groups.set(group, [...(groups.get(group) ?? []), message]);
        }
        for (const group of groups.values()) void this.processInOrder(group);
    }

    /**
     * Runs one FIFO group's messages in order. After a failure the group's later messages go back to
     * the queue (SQS holds them until the failed one is done), so the group never runs out of order.
     */
    private async processInOrder(group: SqsMessage[]): Promise<void> {
        for (const [index, message] of group.entries()) {
            // Returned to the queue by a stop that ran out of time.
            if (!this.inFlight.has(message.MessageId ?? "")) return;
            const outcome = await this.process(message);
            if (outcome.kind === "retry" || outcome.kind === "dead-letter") {
                const rest = group.slice(index + 1).filter((m) => this.inFlight.delete(m.MessageId ?? ""));
                if (rest.length > 0) await this.changeVisibility(rest, 0);
                this.wake();
                return;
            }
        }
    }

    private async process(message: SqsMessage): Promise<Outcome> {
        const outcome = await this.options
            .processor(fromApiMessage(message))
            .catch((error): Outcome => ({ kind: "retry", reason: describeError(error) }));
        this.inFlight.delete(message.MessageId ?? "");
        await this.settle(message, outcome);
        this.wake();
        return outcome;
    }

    private async settle(message: SqsMessage, outcome: Outcome): Promise<void> {
        if (outcome.kind === "done" || outcome.kind === "duplicate") {
            this.deletes.push(message);
            if (this.deletes.length >= sqsBatch) await this.flushDeletes();
            else this.flushTimer ??= setTimeout(() => void this.flushDeletes(), flushDelayMs);
            return;
        }
        if (outcome.kind === "dead-letter") this.counts.deadLettered++;
        else this.counts.retried++;
        // Dead-lettered (and, while stopping, retried) messages come back at once; others wait out their visibility.
        if (outcome.kind === "dead-letter" || this.stopping) await this.changeVisibility([message], 0);
    }

    private async flushDeletes(): Promise<void> {
        clearTimeout(this.flushTimer);
        this.flushTimer = undefined;
        const batch = this.deletes;
        this.deletes = [];
        for (const part of chunk(batch)) {
            try {
                const out = await this.options.sqs.send(
                    new DeleteMessageBatchCommand({ QueueUrl: this.options.queueUrl, Entries: part.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })) }),
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
        await this.changeVisibility(due.map((f) => f.message), this.options.visibilityTimeoutSeconds);
    }

    private async changeVisibility(messages: SqsMessage[], seconds: number): Promise<void> {
        for (const part of chunk(messages)) {
            try {
                await this.options.sqs.send(
                    new ChangeMessageVisibilityBatchCommand({
                        QueueUrl: this.options.queueUrl,
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
        const unfinished = [...this.inFlight.values()].map((f) => f.message);
        if (unfinished.length === 0) return;
        this.counts.returnedOnStop += unfinished.length;
        this.options.logger.warn({ count: unfinished.length }, "returning unfinished messages to the queue");
        for (const message of unfinished) this.inFlight.delete(message.MessageId ?? "");
        await this.changeVisibility(unfinished, 0);
    }

    private wake(): void {
        const waiting = [...this.idle];
        this.idle.clear();
        for (const resolve of waiting) resolve();
    }
}
