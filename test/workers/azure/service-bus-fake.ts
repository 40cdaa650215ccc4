import { randomUUID } from "node:crypto";
import type { ServiceBusMessage, ServiceBusReceivedMessage } from "@azure/service-bus";
import type { ServiceBusClientLike } from "../../../workers/azure/receiver";
import { type FakeSender, fakeSender } from "./service-bus-fake-sender";
import { type FakeSubscriptionOptions, FakeTopic } from "./service-bus-fake-topics";

/** A message as the fake namespace keeps it. */
export interface StoredMessage {
    sequenceNumber: number;
    messageId: string;
    body: unknown;
    contentType?: string;
    applicationProperties: Record<string, string | number | boolean>;
    sessionId?: string;
    /** When it becomes receivable (the enqueue time; later for a scheduled message). */
    enqueuedTimeUtc: Date;
    /** The sender's `scheduledEnqueueTimeUtc`, for a message held until then. */
    scheduledEnqueueTimeUtc?: Date;
    correlationId?: string;
    /** Deliveries so far (the service's count; the SDK reports one less, the Functions host this). */
    deliveries: number;
    lock?: { token: string; until: number; session?: SessionLock };
    deadLetterReason?: string;
    deadLetterErrorDescription?: string;
}

interface SessionLock {
    sessionId: string;
    until: number;
    closed: boolean;
}

export interface FakeQueueOptions {
    maxDeliveryCount: number;
    lockDurationMs: number;
    requiresSession?: boolean;
    /** `requiresDuplicateDetection` with this `duplicateDetectionHistoryTimeWindow`, ms. @default off */
    duplicateDetectionMs?: number;
}

interface FakeQueue extends FakeQueueOptions {
    /** Message ids accepted within the detection window, and when. */
    seenIds: Map<string, number>;
    active: StoredMessage[];
    deadLetters: StoredMessage[];
    sessions: Map<string, SessionLock>;
}

/** An error shaped like the SDK's ServiceBusError (`code`). */
export class ServiceBusFakeError extends Error {
    override readonly name = "ServiceBusError";
    constructor(
        readonly code: string,
        message: string,
    ) {
        super(message);
    }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * ServiceBus fake: an in-memory model of a Service Bus namespace at the @azure/service-bus SDK
 * boundary (no Service Bus emulator runs outside Docker). It models peek-lock (a received message
 * is hidden until completed, abandoned, dead-lettered or its lock expires), lock expiry (settling
 * after it fails with MessageLockLost), lock renewal, the delivery count (raised on each delivery;
 * the SDK reports the AMQP count, one less), dead-lettering on request with reason and description,
 * and by the service once a message has been delivered maxDeliveryCount times and is abandoned or its
 * lock lapses (reason MaxDeliveryCountExceeded), with body and properties intact; session queues
 * (messages need a session id; a session is locked by one receiver, in sequence order); message
 * batches with a size limit for senders; duplicate detection (a message whose id was accepted within
 * the window is dropped while its send succeeds, as the service does); scheduled messages (`scheduledEnqueueTimeUtc`: not
 * received before that time); and topics whose subscriptions forward to queues, dead-lettering
 * what they cannot forward in their own sub-queue (service-bus-fake-topics.ts).
 */
export class ServiceBusFake {
    private readonly queues = new Map<string, FakeQueue>();
    private readonly topics = new Map<string, FakeTopic>();
    private sequence = 0;
    /** Operations served, for assertions. */
    readonly calls = { receive: 0, complete: 0, abandon: 0, deadLetter: 0, renewMessageLock: 0, renewSessionLock: 0, send: 0 };

    addQueue(name: string, options: FakeQueueOptions): void {
        this.queues.set(name, { ...options, seenIds: new Map(), active: [], deadLetters: [], sessions: new Map() });
    }

    /** Adds a topic whose subscriptions forward to queues (see FakeTopic); returns it. */
    addTopic(name: string, subscriptions: FakeSubscriptionOptions[]): FakeTopic {
        return this.topics.set(name, new FakeTopic(this, name, subscriptions)).get(name)!;
    }

    /**
     * Enqueues messages (what a sender does), or publishes them when `name` is a topic; session
     * queues refuse messages without a session id. A message with `scheduledEnqueueTimeUtc` in the
     * future is kept but not received before then; its enqueue time is that time.
     */
    send(name: string, messages: ServiceBusMessage[]): void {
        if (this.topics.has(name)) return this.topics.get(name)!.publish(messages);
        const queue = this.queue(name);
        for (const m of messages) {
            if (queue.requiresSession && !m.sessionId) throw new ServiceBusFakeError("InvalidOperation", `The queue ${name} requires sessions: the message has no SessionId.`);
            const messageId = String(m.messageId ?? randomUUID());
            if (queue.duplicateDetectionMs !== undefined) {
                // Duplicate detection: the send succeeds, the message is dropped.
                const seen = queue.seenIds.get(messageId);
                if (seen !== undefined && Date.now() - seen < queue.duplicateDetectionMs) continue;
                queue.seenIds.set(messageId, Date.now());
            }
            queue.active.push({
                sequenceNumber: ++this.sequence,
                messageId,
                body: structuredClone(m.body),
                ...(m.contentType ? { contentType: m.contentType } : {}),
                applicationProperties: { ...(m.applicationProperties as Record<string, string>) },
                ...(m.sessionId ? { sessionId: m.sessionId } : {}),
                ...(m.correlationId !== undefined ? { correlationId: String(m.correlationId) } : {}),
                enqueuedTimeUtc: new Date(Math.max(Date.now(), m.scheduledEnqueueTimeUtc?.getTime() ?? 0)),
                ...(m.scheduledEnqueueTimeUtc ? { scheduledEnqueueTimeUtc: m.scheduledEnqueueTimeUtc } : {}),
                deliveries: 0,
            });
        }
    }

    /** Active messages (locked or not). */
    active(name: string): StoredMessage[] {
        this.expireLocks(this.queue(name));
        return this.queue(name).active;
    }

    /** The `$deadletterqueue` sub-queue. */
    deadLetters(name: string): StoredMessage[] {
        this.expireLocks(this.queue(name));
        return this.queue(name).deadLetters;
    }

    /** A client like `new ServiceBusClient(namespace, credential)`. */
    client(): ServiceBusClientLike & { createSender(entity: string): FakeSender; closed: boolean } {
        const fake = this;
        const state = { closed: false };
        return {
            get closed() {
                return state.closed;
            },
            createReceiver: (queueName) => fake.receiver(queueName),
            acceptNextSession: (queueName, options) => fake.acceptNextSession(queueName, options.abortSignal),
            createSender: (entity) => fakeSender(fake, entity),
            close: async () => {
                state.closed = true;
            },
        } as ServiceBusClientLike & { createSender(entity: string): FakeSender; closed: boolean };
    }

    /** Receives up to `max` unlocked messages (of `session` only, on session queues), locking each. */
    receiveNow(name: string, max: number, session?: SessionLock): ServiceBusReceivedMessage[] {
        const queue = this.queue(name);
        this.expireLocks(queue);
        if (queue.requiresSession && !session) throw new ServiceBusFakeError("InvalidOperation", `The queue ${name} requires sessions: accept a session to receive.`);
        const now = Date.now();
        const taken = queue.active.filter((m) => !m.lock && m.enqueuedTimeUtc.getTime() <= now && (!session || m.sessionId === session.sessionId)).slice(0, max);
        return taken.map((m) => {
            m.deliveries++;
            m.lock = { token: randomUUID(), until: session ? session.until : now + queue.lockDurationMs, ...(session ? { session } : {}) };
            return this.received(m);
        });
    }

    /** Settles a received message, checking its lock as the service does. */
    settle(name: string, received: ServiceBusReceivedMessage, how: "complete" | "abandon" | "deadLetter", reason?: { deadLetterReason?: string; deadLetterErrorDescription?: string }): void {
        const queue = this.queue(name);
        const message = this.locked(queue, received);
        this.calls[how]++;
        if (how === "complete") queue.active.splice(queue.active.indexOf(message), 1);
        else if (how === "deadLetter") this.deadLetter(queue, message, reason?.deadLetterReason ?? "", reason?.deadLetterErrorDescription ?? "");
        else this.unlock(queue, message);
    }

    /** Extends a message's lock by the lock duration. */
    renew(name: string, received: ServiceBusReceivedMessage): Date {
        const queue = this.queue(name);
        const message = this.locked(queue, received);
        this.calls.renewMessageLock++;
        message.lock!.until = Date.now() + queue.lockDurationMs;
        return new Date(message.lock!.until);
    }

    private receiver(name: string) {
        const wait = this.waitFor.bind(this);
        return {
            receiveMessages: async (max: number, options?: { maxWaitTimeInMs?: number; abortSignal?: AbortSignalLike }) => {
                this.calls.receive++;
                return wait(() => this.receiveNow(name, max), options?.maxWaitTimeInMs ?? 60_000, options?.abortSignal);
            },
            completeMessage: async (m: ServiceBusReceivedMessage) => this.settle(name, m, "complete"),
            abandonMessage: async (m: ServiceBusReceivedMessage) => this.settle(name, m, "abandon"),
            deadLetterMessage: async (m: ServiceBusReceivedMessage, reason?: { deadLetterReason?: string; deadLetterErrorDescription?: string }) => this.settle(name, m, "deadLetter", reason),
            renewMessageLock: async (m: ServiceBusReceivedMessage) => this.renew(name, m),
            close: async () => undefined,
        } as unknown as ReturnType<ServiceBusClientLike["createReceiver"]>;
    }

    private async acceptNextSession(name: string, abortSignal?: AbortSignalLike) {
        const queue = this.queue(name);
        // Finding and locking a session is one step, as on the service: one receiver per session.
        const lockFree = () => {
            this.expireLocks(queue);
            const now = Date.now();
            const id = queue.active.find((m) => !m.lock && m.enqueuedTimeUtc.getTime() <= now && m.sessionId && !this.sessionHeld(queue, m.sessionId, now))?.sessionId;
            if (!id) return [];
            const lock: SessionLock = { sessionId: id, until: now + queue.lockDurationMs, closed: false };
            queue.sessions.set(id, lock);
            return [lock];
        };
        const [session] = await this.waitFor(lockFree, 200, abortSignal);
        if (!session) throw new ServiceBusFakeError("ServiceTimeout", "No session available to accept within the wait.");
        const sessionId = session.sessionId;
        const check = () => {
            if (session.closed || session.until <= Date.now()) throw new ServiceBusFakeError("SessionLockLost", `The session lock on ${sessionId} was lost.`);
        };
        return {
            sessionId,
            receiveMessages: async (max: number, options?: { maxWaitTimeInMs?: number }) => {
                this.calls.receive++;
                check();
                return this.waitFor(() => this.receiveNow(name, max, session), options?.maxWaitTimeInMs ?? 60_000);
            },
            completeMessage: async (m: ServiceBusReceivedMessage) => (check(), this.settle(name, m, "complete")),
            abandonMessage: async (m: ServiceBusReceivedMessage) => (check(), this.settle(name, m, "abandon")),
            deadLetterMessage: async (m: ServiceBusReceivedMessage, reason?: { deadLetterReason?: string; deadLetterErrorDescription?: string }) => (check(), this.settle(name, m, "deadLetter", reason)),
            renewSessionLock: async () => {
                check();
                this.calls.renewSessionLock++;
                session.until = Date.now() + queue.lockDurationMs;
                for (const m of queue.active) if (m.lock?.session === session) m.lock.until = session.until;
                return new Date(session.until);
            },
            close: async () => {
                session.closed = true;
                // Messages still locked by the session go back, their delivery counted.
                for (const m of [...queue.active]) if (m.lock?.session === session) this.unlock(queue, m);
                queue.sessions.delete(sessionId);
            },
        } as unknown as Awaited<ReturnType<ServiceBusClientLike["acceptNextSession"]>>;
    }

    private received(m: StoredMessage): ServiceBusReceivedMessage {
        return {
            body: structuredClone(m.body),
            messageId: m.messageId,
            ...(m.contentType ? { contentType: m.contentType } : {}),
            applicationProperties: { ...m.applicationProperties },
            ...(m.sessionId ? { sessionId: m.sessionId } : {}),
            ...(m.correlationId !== undefined ? { correlationId: m.correlationId } : {}),
            enqueuedTimeUtc: m.enqueuedTimeUtc,
            sequenceNumber: m.sequenceNumber,
            deliveryCount: m.deliveries - 1,
            lockToken: m.lock!.token,
            lockedUntilUtc: new Date(m.lock!.until),
            state: "active",
        } as unknown as ServiceBusReceivedMessage;
    }

    private locked(queue: FakeQueue, received: ServiceBusReceivedMessage): StoredMessage {
        this.expireLocks(queue);
        const message = queue.active.find((m) => m.lock?.token === received.lockToken);
        if (!message) throw new ServiceBusFakeError("MessageLockLost", `The lock on message ${received.messageId} has expired or the message was settled already.`);
        return message;
    }

    /** Releases a lock; a message delivered maxDeliveryCount times goes to the dead-letter queue. */
    private unlock(queue: FakeQueue, message: StoredMessage): void {
        delete message.lock;
        if (message.deliveries >= queue.maxDeliveryCount) {
            this.deadLetter(queue, message, "MaxDeliveryCountExceeded", `Message could not be consumed after ${queue.maxDeliveryCount} delivery attempts.`);
        }
    }

    private deadLetter(queue: FakeQueue, message: StoredMessage, reason: string, description: string): void {
        queue.active.splice(queue.active.indexOf(message), 1);
        delete message.lock;
        queue.deadLetters.push({ ...message, deadLetterReason: reason, deadLetterErrorDescription: description });
    }

    private expireLocks(queue: FakeQueue): void {
        const now = Date.now();
        for (const m of [...queue.active]) if (m.lock && m.lock.until <= now) this.unlock(queue, m);
    }

    private sessionHeld(queue: FakeQueue, sessionId: string, now: number): boolean {
        const session = queue.sessions.get(sessionId);
        return !!session && !session.closed && session.until > now;
    }

    private async waitFor<T>(take: () => T[], waitMs: number, signal?: AbortSignalLike): Promise<T[]> {
        const end = Date.now() + waitMs;
        for (;;) {
            if (signal?.aborted) throw new ServiceBusFakeError("AbortError", "The operation was aborted.");
            const got = take();
            if (got.length > 0 || Date.now() >= end) return got;
            await sleep(Math.min(10, end - Date.now()));
        }
    }

    private queue(name: string): FakeQueue {
        const queue = this.queues.get(name);
        if (!queue) throw new ServiceBusFakeError("MessagingEntityNotFound", `Queue ${name} does not exist in the fake namespace.`);
        return queue;
    }
}

type AbortSignalLike = { aborted: boolean };
