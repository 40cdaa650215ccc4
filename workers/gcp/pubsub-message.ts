import { type RawMessage, firstEnqueuedAt } from "../runtime";

/**
 * Attribute holding the job id the front end answered with. Pub/Sub assigns message ids only on
 * publish, and a delayed (Cloud Tasks) or promoted message is published again later, so the job
 * id travels with the message instead; workers key job records on it.
 */
export const jobIdAttribute = "queuestack-job-id";
/** Attribute holding the sender's deduplication id (the idempotency key of `messageId` guards). */
export const deduplicationAttribute = "queuestack-deduplication-id";

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

/**
 * The runtime's message from a Pub/Sub message and its delivery attempt: the job id attribute
 * (else the message id) is its id, the first enqueue time attribute (else the publish time) its
 * enqueue time, the ordering key its group key and the deduplication attribute its deduplication id.
 */
export function rawMessageOf(message: PubsubMessage, deliveryAttempt: number | undefined): RawMessage {
    const attributes = message.attributes ?? {};
    const deduplicationId = attributes[deduplicationAttribute];
    return {
        id: attributes[jobIdAttribute] || message.messageId,
        body: Buffer.from(message.data ?? "", "base64").toString("utf8"),
        attributes,
        attempt: deliveryAttempt ?? 1,
        enqueuedAt: firstEnqueuedAt(attributes, new Date(message.publishTime)),
        ...(message.orderingKey ? { groupKey: message.orderingKey } : {}),
        ...(deduplicationId ? { deduplicationId } : {}),
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
