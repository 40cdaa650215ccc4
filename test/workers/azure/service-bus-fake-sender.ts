import type { ServiceBusMessage, ServiceBusMessageBatch } from "@azure/service-bus";
import type { ServiceBusFake } from "./service-bus-fake";

/** The sender calls the front end makes. */
export interface FakeSender {
    createMessageBatch(): Promise<ServiceBusMessageBatch>;
    sendMessages(batch: ServiceBusMessageBatch | ServiceBusMessage[] | ServiceBusMessage): Promise<void>;
    close(): Promise<void>;
}

/**
 * A sender on the ServiceBus fake: message batches refuse what would take them past 256 KiB (the
 * Standard tier's batch limit; each message counts its body plus an allowance for its AMQP
 * header and properties), and each send enqueues the batch.
 */
export function fakeSender(bus: ServiceBusFake, entity: string): FakeSender {
    const maxSizeInBytes = 256 * 1024;
    return {
        createMessageBatch: async () => {
            const messages: ServiceBusMessage[] = [];
            let size = 0;
            return {
                get count() {
                    return messages.length;
                },
                get sizeInBytes() {
                    return size;
                },
                maxSizeInBytes,
                messages,
                tryAddMessage(m: ServiceBusMessage) {
                    const bytes = Buffer.byteLength(typeof m.body === "string" ? m.body : JSON.stringify(m.body)) + 128;
                    if (size + bytes > maxSizeInBytes) return false;
                    messages.push(m);
                    size += bytes;
                    return true;
                },
            } as unknown as ServiceBusMessageBatch;
        },
        sendMessages: async (batch) => {
            bus.calls.send++;
            const messages = (batch as { messages?: ServiceBusMessage[] }).messages;
            bus.send(entity, Array.isArray(batch) ? batch : messages ?? [batch as ServiceBusMessage]);
        },
        close: async () => undefined,
    };
}
