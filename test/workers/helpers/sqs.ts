import {
    DeleteMessageBatchCommand,
    GetQueueAttributesCommand,
    ReceiveMessageCommand,
    SendMessageCommand,
    type Message,
    type MessageAttributeValue,
} from "@aws-sdk/client-sqs";
import type { SqsEvent, SqsEventRecord } from "../../../workers/aws/sqs-message";
import type { BatchResponse } from "../../../workers/aws/lambda-handler";
import type { Moto } from "./moto";

/** Receives up to 10 messages with every attribute. */
export async function receive(moto: Moto, queueUrl: string, waitSeconds = 0): Promise<Message[]> {
    const { Messages = [] } = await moto.sqs.send(
        new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: waitSeconds,
            MessageSystemAttributeNames: ["All"],
            MessageAttributeNames: ["All"],
        }),
    );
    return Messages;
}

/** Sends one JSON message. */
export async function send(moto: Moto, queueUrl: string, body: unknown, extra: { attributes?: Record<string, string>; groupKey?: string } = {}) {
    const attributes: Record<string, MessageAttributeValue> = Object.fromEntries(
        Object.entries(extra.attributes ?? {}).map(([name, value]) => [name, { DataType: "String", StringValue: value }]),
    );
    const out = await moto.sqs.send(
        new SendMessageCommand({
            QueueUrl: queueUrl,
            MessageBody: JSON.stringify(body),
            MessageAttributes: attributes,
            ...(extra.groupKey ? { MessageGroupId: extra.groupKey } : {}),
        }),
    );
    return out.MessageId!;
}

/** Visible + in flight + delayed messages on a queue. */
export async function depth(moto: Moto, queueUrl: string): Promise<number> {
    const { Attributes = {} } = await moto.sqs.send(
        new GetQueueAttributesCommand({
            QueueUrl: queueUrl,
            AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"],
        }),
    );
    return Object.values(Attributes).reduce((sum, value) => sum + Number(value), 0);
}

/** The record Lambda's SQS event source mapping hands the function for a received message. */
export function eventRecord(message: Message, queueArn = "arn:aws:sqs:us-east-1:123456789012:queue"): SqsEventRecord {
    const system = message.Attributes ?? {};
    return {
        messageId: message.MessageId!,
        receiptHandle: message.ReceiptHandle!,
        body: message.Body!,
        attributes: {
            ApproximateReceiveCount: system.ApproximateReceiveCount!,
            SentTimestamp: system.SentTimestamp!,
            ...(system.MessageGroupId ? { MessageGroupId: system.MessageGroupId } : {}),
            ...(system.MessageDeduplicationId ? { MessageDeduplicationId: system.MessageDeduplicationId } : {}),
        },
        messageAttributes: Object.fromEntries(
            Object.entries(message.MessageAttributes ?? {}).map(([name, a]) => [name, { stringValue: a.StringValue, dataType: a.DataType! }]),
        ),
        eventSourceARN: queueArn,
    };
}

/**
 * One poll of Lambda's event source mapping: receive a batch, invoke the handler, delete the
 * records it did not report as failures. Returns the handler's response (undefined when empty).
 */
export async function pollLikeLambda(
    moto: Moto,
    queueUrl: string,
    handler: (event: SqsEvent) => Promise<BatchResponse>,
    waitSeconds = 0,
): Promise<{ received: Message[]; response: BatchResponse } | undefined> {
    const received = await receive(moto, queueUrl, waitSeconds);
    if (received.length === 0) return undefined;
    const response = await handler({ Records: received.map((m) => eventRecord(m)) });
    const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
    const done = received.filter((m) => !failed.has(m.MessageId!));
    if (done.length > 0) {
        await moto.sqs.send(
            new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }),
        );
    }
    return { received, response };
}
