import { randomUUID } from "node:crypto";
import type { QueueRuntimeProperties, ServiceBusMessage, ServiceBusReceivedMessage, ServiceBusReceiverOptions } from "@azure/service-bus";
import type { ServiceBusAdminLike, ServiceBusClientLike } from "../../operations/targets/azure";

/** A message as the fake keeps it. */
interface StoredMessage {
    sequenceNumber: number;
    messageId: string;
    body: unknown;
    applicationProperties: Record<string, string | number | boolean>;
    sessionId?: string;
    enqueuedTimeUtc: Date;
    deliveryCount: number;
    deadLetterReason?: string;
    deadLetterErrorDescription?: string;
    lockedBy?: object;
}

/** One queue of the fake namespace: its active messages and its `$deadletterqueue`, in sequence order. */
export interface FakeQueue {
    requiresSession: boolean;
    active: StoredMessage[];
    deadLetters: StoredMessage[];
}

/**
 * A Service Bus fake at the SDK boundary (there is no Service Bus emulator outside Docker): the
 * client and administration calls the Azure target makes, with the service's rules for them —
 * session queues refuse messages without a session id, peek-lock hides a message until it is
 * completed or abandoned, only an abandon (not a receive) counts a delivery, complete needs the lock of the receiver
 * that holds it, receive-and-delete removes at once, sequence numbers keep send order.
 */
export class ServiceBusFake {
    readonly queues = new Map<string, FakeQueue>();
    private sequence = 0;
    /** Every receiver and sender opened and not closed. */
    open = 0;

    addQueue(name: string, requiresSession: boolean): FakeQueue {
        const queue: FakeQueue = { requiresSession, active: [], deadLetters: [] };
        this.queues.set(name, queue);
        return queue;
    }

    /** Puts messages straight into a queue's dead-letter queue, as MaxDeliveryCountExceeded would. */
    seedDeadLetters(name: string, messages: (ServiceBusMessage & { deliveryCount?: number })[]): void {
        for (const m of messages) {
            this.queue(name).deadLetters.push({
                ...this.store(name, m),
                deliveryCount: m.deliveryCount ?? 10,
                deadLetterReason: "MaxDeliveryCountExceeded",
                deadLetterErrorDescription: "Message could not be consumed after 10 delivery attempts.",
            });
        }
    }

    readonly client: ServiceBusClientLike = {
        createReceiver: (name: string, options: ServiceBusReceiverOptions = {}) => {
            const queue = this.queue(name);
            const deadLetter = options.subQueueType === "deadLetter";
            if (queue.requiresSession && !deadLetter) throw new Error(`It is not possible for an entity that requires sessions to create a non-sessionful message receiver (${name}).`);
            const list = () => (deadLetter ? queue.deadLetters : queue.active);
            const receiver = {};
            let peekCursor = 0;
            this.open += 1;
            const locked = (message: ServiceBusReceivedMessage) => {
                const stored = list().find((m) => m.sequenceNumber === Number(message.sequenceNumber));
                if (!stored || stored.lockedBy !== receiver) throw new Error(`The lock supplied is invalid. Either the lock expired, or the message has already been removed from the queue (${message.messageId}).`);
                return stored;
            };
            return {
                receiveMessages: async (max: number) => {
                    const free = list().filter((m) => !m.lockedBy).slice(0, max);
                    if (options.receiveMode === "receiveAndDelete") {
                        for (const m of free) list().splice(list().indexOf(m), 1);
                    } else {
                        for (const m of free) m.lockedBy = receiver;
                    }
                    return free.map(toReceived);
                },
                peekMessages: async (max: number) => {
                    const page = list().slice(peekCursor, peekCursor + max);
                    peekCursor += page.length;
                    return page.map(toReceived);
                },
                completeMessage: async (message: ServiceBusReceivedMessage) => {
                    const stored = locked(message);
                    list().splice(list().indexOf(stored), 1);
                },
                abandonMessage: async (message: ServiceBusReceivedMessage) => {
                    const stored = locked(message);
                    stored.lockedBy = undefined;
                    stored.deliveryCount += 1;
                },
                close: async () => {
                    for (const m of list()) if (m.lockedBy === receiver) m.lockedBy = undefined;
                    this.open -= 1;
                },
            };
        },
        createSender: (name: string) => {
            this.open += 1;
            return {
                sendMessages: async (messages: ServiceBusMessage | ServiceBusMessage[]) => {
                    const batch = Array.isArray(messages) ? messages : [messages];
                    const queue = this.queue(name);
                    if (queue.requiresSession && batch.some((m) => !m.sessionId)) {
                        throw new Error("The SessionId was not set on a message, and it cannot be sent to the entity. Entities that have session support enabled can only receive messages that have the SessionId set to a valid value.");
                    }
                    queue.active.push(...batch.map((m) => this.store(name, m)));
                },
                close: async () => {
                    this.open -= 1;
                },
            } as ReturnType<ServiceBusClientLike["createSender"]>;
        },
        close: async () => undefined,
    };

    readonly admin: ServiceBusAdminLike = {
        getQueueRuntimeProperties: async (name: string) => {
            const queue = this.queue(name);
            const properties: QueueRuntimeProperties = {
                name,
                createdAt: new Date(0),
                modifiedAt: new Date(0),
                accessedAt: new Date(0),
                activeMessageCount: queue.active.length,
                deadLetterMessageCount: queue.deadLetters.length,
                scheduledMessageCount: 0,
                transferMessageCount: 0,
                transferDeadLetterMessageCount: 0,
            };
            return { ...properties, _response: {} } as Awaited<ReturnType<ServiceBusAdminLike["getQueueRuntimeProperties"]>>;
        },
    };

    queue(name: string): FakeQueue {
        const queue = this.queues.get(name);
        if (!queue) throw new Error(`The messaging entity 'fake:queue:${name}' could not be found.`);
        return queue;
    }

    private store(_name: string, m: ServiceBusMessage): StoredMessage {
        this.sequence += 1;
        return {
            sequenceNumber: this.sequence,
            messageId: m.messageId === undefined ? randomUUID() : String(m.messageId),
            body: m.body,
            applicationProperties: { ...(m.applicationProperties as Record<string, string>) },
            ...(m.sessionId ? { sessionId: m.sessionId } : {}),
            enqueuedTimeUtc: new Date(),
            // Service Bus counts the first delivery as 1 and adds one per abandon or lost lock.
            deliveryCount: 1,
        };
    }
}

function toReceived(m: StoredMessage): ServiceBusReceivedMessage {
    const { lockedBy: _lock, ...fields } = m;
    return { ...fields, applicationProperties: { ...fields.applicationProperties } } as unknown as ServiceBusReceivedMessage;
}
