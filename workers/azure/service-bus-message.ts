import type { ServiceBusReceivedMessage } from "@azure/service-bus";
import type { RawMessage } from "../runtime";

/**
 * A Service Bus body as text. queuestack sends JSON text; other senders' bodies arrive as an
 * AMQP binary section (Buffer) or a decoded AMQP value (object), which become JSON text.
 */
export function bodyText(body: unknown): string {
    if (typeof body === "string") return body;
    if (Buffer.isBuffer(body) || body instanceof Uint8Array) return Buffer.from(body).toString("utf8");
    return JSON.stringify(body ?? null);
}

/** Application properties as the runtime's string attributes. */
export function attributesOf(properties: Record<string, unknown> | undefined): Record<string, string> {
    return Object.fromEntries(
        Object.entries(properties ?? {}).map(([name, value]) => [name, value instanceof Date ? value.toISOString() : typeof value === "string" ? value : JSON.stringify(value)]),
    );
}

/**
 * The runtime's message from a message received with @azure/service-bus. The SDK reports the
 * AMQP delivery count, which counts earlier deliveries (0 on the first), so the attempt is one more.
 */
export function rawMessageOf(message: ServiceBusReceivedMessage): RawMessage {
    return {
        id: String(message.messageId ?? message.sequenceNumber ?? ""),
        body: bodyText(message.body),
        attributes: attributesOf(message.applicationProperties),
        attempt: (message.deliveryCount ?? 0) + 1,
        enqueuedAt: message.enqueuedTimeUtc ?? new Date(),
        ...(message.sessionId ? { groupKey: message.sessionId } : {}),
    };
}

/** Service Bus caps the dead-letter reason and description at 4,096 characters each. */
export const deadLetterText = (text: string) => (text.length <= 4096 ? text : `${text.slice(0, 4093)}...`);
