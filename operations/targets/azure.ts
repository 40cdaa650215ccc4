import type {
    ServiceBusAdministrationClient,
    ServiceBusMessage,
    ServiceBusReceivedMessage,
    ServiceBusReceiver,
    ServiceBusReceiverOptions,
    ServiceBusSender,
} from "@azure/service-bus";
import { OperationError } from "../errors";
import type { DeadLetterReader, MessageContent, OpsTarget, QueueStatus, TakenMessage } from "./types";

/** The parts of the Service Bus client the target uses (the real `ServiceBusClient` has them). */
export interface ServiceBusClientLike {
    createReceiver(queueName: string, options?: ServiceBusReceiverOptions): Pick<ServiceBusReceiver, "receiveMessages" | "completeMessage" | "abandonMessage" | "peekMessages" | "close">;
    createSender(queueName: string): Pick<ServiceBusSender, "sendMessages" | "close">;
    close(): Promise<void>;
}

/** The part of the administration client the target uses. */
export type ServiceBusAdminLike = Pick<ServiceBusAdministrationClient, "getQueueRuntimeProperties">;

/** How the Azure target reaches Service Bus. */
export interface AzureTargetOptions {
    /** Per spec queue name: the Service Bus queue (a name, or the stack output's resource id). */
    queues: Record<string, string>;
    /** Per spec queue name: true when the queue uses sessions (spec ordering fifo). */
    sessions: Record<string, boolean>;
    client: ServiceBusClientLike;
    admin: ServiceBusAdminLike;
}

/** How long one receive waits for dead letters before the queue counts as drained. */
const receiveWaitMs = 1000;

/**
 * The Azure target. Redrive receives from `<queue>/$deadletterqueue` under peek-lock, sends a copy
 * to the queue with the body, application properties, session id (FIFO group) and message id (the
 * duplicate-detection key), in the order received, then completes the dead letter.
 */
export class AzureTarget implements OpsTarget {
    readonly cloud = "azure" as const;

    constructor(private readonly options: AzureTargetOptions) {}

    async status(queue: string): Promise<QueueStatus> {
        const name = this.queueName(queue);
        const properties = await this.call(`read the runtime properties of ${name}`, () => this.options.admin.getQueueRuntimeProperties(name));
        const visible = properties.activeMessageCount + properties.scheduledMessageCount;
        let oldestAgeSeconds: number | undefined = visible === 0 ? 0 : undefined;
        // Peeking a session queue needs a session: its oldest age stays unknown here.
        if (visible > 0 && !this.options.sessions[queue]) {
            const receiver = this.options.client.createReceiver(name);
            try {
                const [oldest] = await this.call(`peek ${name}`, () => receiver.peekMessages(1));
                if (oldest?.enqueuedTimeUtc) oldestAgeSeconds = Math.max(0, (Date.now() - oldest.enqueuedTimeUtc.getTime()) / 1000);
            } finally {
                await receiver.close();
            }
        }
        return { visible, ...(oldestAgeSeconds !== undefined ? { oldestAgeSeconds } : {}), deadLetters: properties.deadLetterMessageCount };
    }

    deadLetters(queue: string): DeadLetterReader {
        const name = this.queueName(queue);
        const receiver = this.options.client.createReceiver(name, { subQueueType: "deadLetter", receiveMode: "peekLock" });
        const settle = async (messages: TakenMessage[], how: "complete" | "abandon") => {
            for (const m of messages) {
                const received = m.handle as ServiceBusReceivedMessage;
                await this.call(`${how} a dead letter of ${name}`, () => (how === "complete" ? receiver.completeMessage(received) : receiver.abandonMessage(received)));
            }
        };
        return {
            take: async (max) => {
                const received = await this.call(`receive from ${name}/$deadletterqueue`, () => receiver.receiveMessages(max, { maxWaitTimeInMs: receiveWaitMs }));
                return received.map(toTaken);
            },
            remove: (messages) => settle(messages, "complete"),
            release: async (messages) => {
                await settle(messages, "abandon");
                await receiver.close();
            },
        };
    }

    async send(queue: string, messages: MessageContent[]): Promise<string[]> {
        const name = this.queueName(queue);
        const sender = this.options.client.createSender(name);
        try {
            const outgoing: ServiceBusMessage[] = messages.map((m) => ({
                body: m.body,
                applicationProperties: m.attributes,
                ...(m.groupKey !== undefined ? { sessionId: m.groupKey } : {}),
                ...(m.deduplicationId !== undefined ? { messageId: m.deduplicationId } : {}),
            }));
            await this.call(`send to ${name}`, () => sender.sendMessages(outgoing));
            return outgoing.map((m) => String(m.messageId ?? ""));
        } finally {
            await sender.close();
        }
    }

    async purgeDeadLetters(queue: string): Promise<number> {
        const name = this.queueName(queue);
        const receiver = this.options.client.createReceiver(name, { subQueueType: "deadLetter", receiveMode: "receiveAndDelete" });
        try {
            let purged = 0;
            for (;;) {
                const batch = await this.call(`receive from ${name}/$deadletterqueue`, () => receiver.receiveMessages(100, { maxWaitTimeInMs: receiveWaitMs }));
                if (batch.length === 0) return purged;
                purged += batch.length;
            }
        } finally {
            await receiver.close();
        }
    }

    async close(): Promise<void> {
        await this.options.client.close();
    }

    /** The queue's name: the last segment of a resource id, or the name itself. */
    private queueName(queue: string): string {
        const id = this.options.queues[queue];
        if (!id) throw new Error(`no Service Bus queue for ${queue}`);
        return id.slice(id.lastIndexOf("/") + 1);
    }

    private async call<T>(what: string, run: () => Promise<T>): Promise<T> {
        try {
            return await run();
        } catch (error) {
            throw new OperationError(`could not ${what}: ${(error as Error).message}`);
        }
    }
}

function toTaken(message: ServiceBusReceivedMessage): TakenMessage {
    const reason = [message.deadLetterReason, message.deadLetterErrorDescription].filter(Boolean).join(": ");
    const body = typeof message.body === "string" ? message.body : Buffer.isBuffer(message.body) ? message.body.toString() : JSON.stringify(message.body);
    return {
        id: String(message.messageId ?? message.sequenceNumber ?? ""),
        body,
        attributes: Object.fromEntries(Object.entries(message.applicationProperties ?? {}).map(([k, v]) => [k, String(v)])),
        ...(message.sessionId ? { groupKey: message.sessionId } : {}),
        ...(message.messageId !== undefined ? { deduplicationId: String(message.messageId) } : {}),
        ...(message.deliveryCount !== undefined ? { attempts: message.deliveryCount } : {}),
        ...(reason ? { reason } : {}),
        ...(message.enqueuedTimeUtc ? { sentAt: message.enqueuedTimeUtc } : {}),
        handle: message,
    };
}
