/**
 * One delivery of a queued message, the same shape on every cloud. Adapters build it from the
 * cloud's own envelope (SQS record, Service Bus message, Pub/Sub message).
 */
export interface Message<TBody = unknown> {
    /** The queue's id for the message (SQS MessageId, Service Bus messageId, Pub/Sub messageId). */
    id: string;
    /** The decoded JSON body. */
    body: TBody;
    /** String attributes sent with the message (SQS message attributes, application properties...). */
    attributes: Record<string, string>;
    /** 1 on the first delivery, then 2, 3... (SQS ApproximateReceiveCount, deliveryCount + 1, deliveryAttempt). */
    attempt: number;
    /** When the message was first enqueued. */
    enqueuedAt: Date;
    /** FIFO group key (SQS MessageGroupId, Service Bus session id, Pub/Sub ordering key). */
    groupKey?: string;
    /** Deduplication id given by the sender, where the queue keeps one. */
    deduplicationId?: string;
}

/** A message as the adapter receives it: the body still raw text. */
export type RawMessage = Omit<Message<unknown>, "body"> & { body: string };
