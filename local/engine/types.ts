import type { RawMessage } from "../../workers/runtime";

/** One queue of the local engine, derived from the spec's `queues[]` entry. */
export interface LocalQueueConfig {
    /** The spec's queue name. */
    name: string;
    /** `ordering: fifo`: one message in flight per group key, delivered in send order. */
    fifo: boolean;
    /** Queue-level duplicate suppression: by body hash (`content`) or by the sender's id (`messageId`). */
    deduplication?: "content" | "messageId";
    /** How long a deduplication id suppresses repeats. @default 300 (SQS's window) */
    deduplicationWindowSeconds?: number;
    /** Deliveries before a message is moved to the dead-letter queue. */
    maxReceiveCount: number;
    /** How long a message stays invisible after a receive. */
    visibilityTimeoutSeconds: number;
    /** How long an undelivered message is kept. */
    retentionSeconds: number;
    /** How long a dead-lettered message is kept. */
    deadLetterRetentionSeconds: number;
    /** Default delay before a new message becomes visible. @default 0 */
    deliveryDelaySeconds?: number;
}

/** What a sender gives besides the body. */
export interface SendOptions {
    /** The message id (the front end picks it so the correlation id and the claim-check key can name it). @default a random UUID */
    id?: string;
    /** Seconds before the message becomes visible. @default the queue's deliveryDelaySeconds */
    delaySeconds?: number;
    /** FIFO group key; required on FIFO queues. */
    groupKey?: string;
    /** Deduplication id; required on queues that deduplicate by `messageId`. */
    deduplicationId?: string;
    /** String attributes carried with the message (and into the dead-letter queue). */
    attributes?: Record<string, string>;
}

/** The answer to a send. */
export interface SendResult {
    /** The message id (the earlier message's id when this send was a duplicate). */
    id: string;
    /** True when the deduplication window suppressed this send. */
    duplicate: boolean;
}

/** A received message: the runtime's envelope plus the handle that deletes or releases it. */
export interface Delivery extends RawMessage {
    queue: string;
    /** Valid until the message is received again. */
    receipt: string;
}

/** A message in a dead-letter queue. */
export interface DeadLetter {
    id: string;
    queue: string;
    body: string;
    attributes: Record<string, string>;
    groupKey?: string;
    /** Deliveries before it was dead-lettered. */
    receiveCount: number;
    /** Why it was dead-lettered: the handler's last error, or the receive count. */
    reason: string;
    sentAt: Date;
    deadLetteredAt: Date;
}

/** A queue's state at one moment. */
export interface QueueStats {
    queue: string;
    /** Messages ready to be received. */
    visible: number;
    /** Messages received and not yet deleted or released. */
    inFlight: number;
    /** Messages waiting out a delivery delay or a retry backoff. */
    delayed: number;
    /** Age of the oldest due message (visible or in flight), in seconds since it became due (0 when none). */
    oldestAgeSeconds: number;
    /** Messages in the dead-letter queue. */
    deadLetters: number;
}

/** An error for the sender: what is wrong and how to fix it. */
export class LocalQueueError extends Error {
    override readonly name = "LocalQueueError";
}
