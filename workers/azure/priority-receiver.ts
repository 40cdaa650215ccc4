import type { ServiceBusMessage, ServiceBusReceivedMessage, ServiceBusSender } from "@azure/service-bus";
import { WeightedPicker, enqueuedAtAttribute, firstEnqueuedAt, promotionDue } from "../runtime";
import { attributesOf } from "./service-bus-message";
import { sleep } from "./hold";
import { type MessageReceiver, ServiceBusQueueReceiver, type ServiceBusClientLike, type ServiceBusReceiverOptions } from "./receiver";

/** One priority level's Service Bus queue (an entry of QUEUESTACK_QUEUE_LEVELS). */
export interface PriorityLevel {
    /** Level name (spec `priorities.levels[].name`). */
    name: string;
    /** The level's physical queue. */
    entity: string;
    /** Its share of this receiver's capacity (spec `priorities.levels[].weight`). */
    weight: number;
}

/** The client calls the priority receiver makes: receivers, and senders for promotion. */
export interface PriorityClientLike extends ServiceBusClientLike {
    createSender(entity: string): Pick<ServiceBusSender, "sendMessages" | "close">;
}

export interface PriorityReceiverOptions extends Omit<ServiceBusReceiverOptions, "queueName" | "sessions" | "client"> {
    client: PriorityClientLike;
    /** The levels, highest first. */
    levels: PriorityLevel[];
    /** A message that has waited this long since it was first enqueued moves up one level (spec `priorities.promoteAfterSeconds`). */
    promoteAfterSeconds: number;
    /** How long a level that had no message counts as empty before it is asked again. @default receiveWaitMs */
    recheckEmptyMs?: number;
    /** Longest wait of a receive on a level that should have work. @default 500 */
    levelWaitMs?: number;
}

/** One level's receiver and what the loop knows about it. */
interface LevelState extends PriorityLevel {
    receiver: MessageReceiver;
    /** Received, not yet started (locked meanwhile). */
    buffer: ServiceBusReceivedMessage[];
    /** Until when the level counts as empty (its last receive got nothing); 0 when it has work. */
    emptyUntil: number;
    /** The receive in flight, if any. */
    fetching?: Promise<void>;
}

/**
 * A VM receiver over a queue's priority levels (one Service Bus queue each): each free slot goes to
 * the level WeightedPicker chooses among the levels with work (a level whose last receive was empty
 * is skipped for `recheckEmptyMs`, so its share flows to the others), and a message from below the
 * top level that has waited `promoteAfterSeconds` since it was first enqueued (attribute
 * `queuestack-enqueued-at`, else its enqueue time) is promoted instead of run: sent to the level
 * above with the same id, body and attributes (the first enqueue time kept), then completed. A
 * crash between the two leaves a copy on both levels; the idempotency store runs it once. Running,
 * settling, lock renewal and draining are the plain receiver's.
 *
 * Receives ask for the level's weighted part of the free slots, so received messages start at
 * once and hold their locks only briefly before their own renewal begins. When every level is
 * empty all are long-polled side by side and the first answer is served; a level rechecked while
 * others have work holds the next pick for at most `levelWaitMs`.
 */
export class PriorityQueueReceiver extends ServiceBusQueueReceiver {
    /** Messages moved up a level. */
    promoted = 0;
    /** Messages started per level name (promotions included), for logs and tests. */
    readonly taken: Record<string, number>;
    private readonly priority: PriorityReceiverOptions;
    private readonly senders = new Map<string, Pick<ServiceBusSender, "sendMessages" | "close">>();
    /** Sum of the levels' weights: each level's share of free slots is its weight over it. */
    private readonly totalWeight: number;

    constructor(options: PriorityReceiverOptions) {
        if (options.levels.length < 2) throw new Error(`a priority receiver needs at least two levels, got ${options.levels.length}`);
        super({ ...options, queueName: options.levels[0].entity, sessions: false });
        this.priority = options;
        this.taken = Object.fromEntries(options.levels.map((l) => [l.name, 0]));
        this.totalWeight = options.levels.reduce((sum, l) => sum + l.weight, 0);
    }

    protected override async messageLoop(): Promise<void> {
        const { client, concurrency, levels: configured } = this.priority;
        const picker = new WeightedPicker(configured.map((l) => l.weight));
        const levels: LevelState[] = configured.map((l) => ({
            ...l, buffer: [], emptyUntil: 0, receiver: client.createReceiver(l.entity, { receiveMode: "peekLock", maxAutoLockRenewalDurationInMs: 0 }),
        }));
        const running = new Set<Promise<void>>();
        const signal = this.stopping.signal;
        try {
            while (!signal.aborted) {
                if (running.size >= concurrency) {
                    await Promise.race([...running, this.drainTimeUp]);
                    continue;
                }
                const now = Date.now();
                const index = picker.next((i) => levels[i].buffer.length > 0 || levels[i].emptyUntil <= now);
                if (index === undefined) {
                    // Every level looked empty: ask them all again and go on with the first that answers.
                    const asks = levels.map((l) => this.fetch(l, 1, this.priority.receiveWaitMs ?? 5000));
                    await Promise.race([Promise.race(asks), this.drainTimeUp]);
                    continue;
                }
                const level = levels[index];
                if (level.buffer.length === 0) await this.fetch(level, this.shareOf(index, concurrency - running.size), this.priority.levelWaitMs ?? 500);
                const message = level.buffer.shift();
                if (!message) continue;
                this.taken[level.name]++;
                const above = index > 0 ? levels[index - 1] : undefined;
                const enqueuedAt = above && this.firstEnqueued(message);
                const work = above && enqueuedAt && promotionDue(enqueuedAt, this.priority.promoteAfterSeconds)
                    ? this.promote(level, above, message, enqueuedAt)
                    : this.process(level.receiver, message, () => level.receiver.renewMessageLock(message));
                running.add(work);
                void work.finally(() => running.delete(work));
            }
        } finally {
            await Promise.race([Promise.all(running), this.drainTimeUp]);
            await Promise.all(levels.map((l) => l.fetching));
            // Received but never started: back to their queues at once.
            for (const l of levels) for (const m of l.buffer.splice(0)) await l.receiver.abandonMessage(m).catch(() => undefined);
            await this.returnUnfinished();
            await Promise.all([...levels.map((l) => l.receiver.close().catch(() => undefined)), ...[...this.senders.values()].map((s) => s.close().catch(() => undefined))]);
        }
    }

    /** The level's weighted part of `free` slots, at least 1: how many messages one receive asks for. */
    private shareOf(index: number, free: number): number {
        return Math.min(100, Math.max(1, Math.round((free * this.priority.levels[index].weight) / this.totalWeight)));
    }

    /** Receives up to `count` messages of one level into its buffer (one receive in flight per level). */
    private fetch(level: LevelState, count: number, waitMs: number): Promise<void> {
        level.fetching ??= (async () => {
            try {
                const got = await level.receiver.receiveMessages(count, { maxWaitTimeInMs: waitMs, abortSignal: this.stopping.signal });
                level.buffer.push(...got);
                level.emptyUntil = got.length > 0 ? 0 : Date.now() + (this.priority.recheckEmptyMs ?? this.priority.receiveWaitMs ?? 5000);
            } catch (error) {
                if (this.stopping.signal.aborted) return;
                this.options.logger.warn({ err: error, level: level.name }, "receive failed; retrying");
                level.emptyUntil = Date.now() + 1000;
                await sleep(100, this.stopping.signal);
            } finally {
                level.fetching = undefined;
            }
        })();
        return level.fetching;
    }

    /** When the message was first enqueued (attribute `queuestack-enqueued-at`, else its enqueue time): the promotion clock. */
    private firstEnqueued(message: ServiceBusReceivedMessage): Date {
        return firstEnqueuedAt(attributesOf(message.applicationProperties), message.enqueuedTimeUtc ?? new Date());
    }

    /** Sends the message to the level above (same id, body, attributes; first enqueue time kept), then completes it here. */
    private async promote(from: LevelState, to: LevelState, message: ServiceBusReceivedMessage, enqueuedAt: Date): Promise<void> {
        const copy: ServiceBusMessage = {
            body: message.body,
            ...(message.messageId !== undefined ? { messageId: message.messageId } : {}),
            ...(message.contentType ? { contentType: message.contentType } : {}),
            ...(message.correlationId !== undefined ? { correlationId: message.correlationId } : {}),
            applicationProperties: { ...message.applicationProperties, [enqueuedAtAttribute]: enqueuedAt.toISOString() },
        };
        try {
            const sender = this.senders.get(to.entity) ?? this.senders.set(to.entity, this.priority.client.createSender(to.entity)).get(to.entity)!;
            await sender.sendMessages(copy);
            await from.receiver.completeMessage(message);
            this.promoted++;
            this.options.logger.info({ messageId: message.messageId, from: from.name, to: to.name, enqueuedAt }, "promoted a waiting message");
        } catch (error) {
            this.options.logger.warn({ err: error, messageId: message.messageId, from: from.name }, "could not promote; the message goes back to its level");
            await from.receiver.abandonMessage(message).catch(() => undefined);
        }
    }
}
