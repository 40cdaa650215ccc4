import type { RawMessage } from "../runtime";

/** A Pub/Sub message as the REST API and push deliveries carry it. */
export interface PubsubMessage {
    /** Base64 body. */
    data?: string;
    attributes?: Record<string, string>;
    messageId: string;
    publishTime: string;
    orderingKey?: string;
}

/** The body of a push delivery (wrapped format). */
export interface PushEnvelope {
    message: PubsubMessage;
    subscription: string;
    /** Present when the subscription has a dead-letter policy: 1 on the first delivery. */
    deliveryAttempt?: number;
}

/** The runtime's message from a Pub/Sub message and its delivery attempt. */
export function rawMessageOf(message: PubsubMessage, deliveryAttempt: number | undefined): RawMessage {
    return {
        id: message.messageId,
        body: Buffer.from(message.data ?? "", "base64").toString("utf8"),
        attributes: message.attributes ?? {},
        attempt: deliveryAttempt ?? 1,
        enqueuedAt: new Date(message.publishTime),
        ...(message.orderingKey ? { groupKey: message.orderingKey } : {}),
    };
}

/** Checks that `body` is a push envelope; returns a reason when it is not. */
export function pushEnvelopeProblem(body: unknown): string | undefined {
    const envelope = body as Partial<PushEnvelope> | undefined;
    if (!envelope || typeof envelope !== "object") return "the request body is not a JSON object";
    if (!envelope.message || typeof envelope.message.messageId !== "string") return "the request body has no message.messageId";
    if (typeof envelope.message.publishTime !== "string") return "the request body has no message.publishTime";
    return undefined;
}
