import type { Message as SqsApiMessage } from "@aws-sdk/client-sqs";
import type { RawMessage } from "../runtime";

/** One SQS record of a Lambda event (the fields queuestack reads). */
export interface SqsEventRecord {
    messageId: string;
    receiptHandle: string;
    body: string;
    attributes: {
        ApproximateReceiveCount: string;
        SentTimestamp: string;
        MessageGroupId?: string;
        MessageDeduplicationId?: string;
    };
    messageAttributes?: Record<string, { stringValue?: string; dataType: string }>;
    eventSourceARN?: string;
}

/** The Lambda event for an SQS event source mapping. */
export interface SqsEvent {
    Records: SqsEventRecord[];
}

/**
 * Message attribute carrying the job id when SQS's own message id cannot be it: a message sent by
 * a delay schedule (the front end answered with this id before SQS saw the message) or a promoted
 * message (a new SQS message continuing the same job). The job record is kept under it.
 */
export const jobIdAttribute = "queuestack-job-id";

/** System attributes queuestack asks ReceiveMessage for. */
export const receivedSystemAttributes = ["ApproximateReceiveCount", "SentTimestamp", "MessageGroupId", "MessageDeduplicationId"] as const;

const defined = <T>(entries: [string, T | undefined][]) =>
    Object.fromEntries(entries.filter((entry): entry is [string, T] => entry[1] !== undefined));

/** The neutral envelope of a Lambda SQS record. */
export function fromEventRecord(record: SqsEventRecord): RawMessage {
    const group = record.attributes.MessageGroupId;
    const dedup = record.attributes.MessageDeduplicationId;
    const jobId = record.messageAttributes?.[jobIdAttribute]?.stringValue;
    return {
        id: jobId || record.messageId,
        body: record.body,
        attributes: defined(Object.entries(record.messageAttributes ?? {}).map(([name, a]) => [name, a.stringValue])),
        attempt: Number(record.attributes.ApproximateReceiveCount) || 1,
        enqueuedAt: new Date(Number(record.attributes.SentTimestamp)),
        ...(group ? { groupKey: group } : {}),
        ...(dedup ? { deduplicationId: dedup } : {}),
    };
}

/** The neutral envelope of a message from the SQS ReceiveMessage API. */
export function fromApiMessage(message: SqsApiMessage): RawMessage {
    const system = message.Attributes ?? {};
    return fromEventRecord({
        messageId: message.MessageId ?? "",
        receiptHandle: message.ReceiptHandle ?? "",
        body: message.Body ?? "",
        attributes: {
            ApproximateReceiveCount: system.ApproximateReceiveCount ?? "1",
            SentTimestamp: system.SentTimestamp ?? String(Date.now()),
            MessageGroupId: system.MessageGroupId,
            MessageDeduplicationId: system.MessageDeduplicationId,
        },
        messageAttributes: Object.fromEntries(
            Object.entries(message.MessageAttributes ?? {}).map(([name, a]) => [name, { stringValue: a.StringValue, dataType: a.DataType ?? "String" }]),
        ),
    });
}

/** The queue's name, the last path segment of its URL (scopes idempotency keys). */
export function queueNameOf(queueUrl: string): string {
    return queueUrl.replace(/\/+$/, "").split("/").pop() ?? queueUrl;
}
