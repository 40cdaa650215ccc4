import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from "@aws-sdk/client-sqs";
import type { FunctionHost } from "../function-host";

/** A planned event source mapping, resolved against moto. */
export interface SqsTrigger {
    functionName: string;
    queueArn: string;
    queueUrl: string;
    /** Planned `batchSize` (Lambda's default 10). */
    batchSize: number;
    /** Planned `functionResponseTypes` includes ReportBatchItemFailures. */
    partialBatch: boolean;
    /** SQS as the function's execution role: Lambda polls and deletes with the function's role. */
    sqs: SQSClient;
    host: FunctionHost;
}

/** What one delivery round did. */
export interface Delivery {
    /** Records handed to the function. */
    delivered: number;
    /** Message ids the function reported as failed (or the whole batch on an error). */
    failed: string[];
    /** Function errors and SQS errors, with their own text. */
    errors: string[];
}

/** An SQS message as an event record of Lambda's SQS event. */
function eventRecord(message: Message, trigger: SqsTrigger, region: string) {
    const attributes = message.Attributes ?? {};
    return {
        messageId: message.MessageId!,
        receiptHandle: message.ReceiptHandle!,
        body: message.Body ?? "",
        attributes,
        messageAttributes: Object.fromEntries(
            Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
                name,
                { stringValue: value.StringValue, binaryValue: value.BinaryValue ? Buffer.from(value.BinaryValue).toString("base64") : undefined, stringListValues: [], binaryListValues: [], dataType: value.DataType },
            ]),
        ),
        md5OfBody: message.MD5OfBody,
        eventSource: "aws:sqs",
        eventSourceARN: trigger.queueArn,
        awsRegion: region,
    };
}

/**
 * One poll of the mapping, as Lambda's SQS poller does it: receive up to the planned batch size
 * (10 per receive call), invoke the function once with the batch, then delete what succeeded. With
 * ReportBatchItemFailures only the reported records stay; without it, or when the invocation
 * fails, the whole batch stays for its visibility timeout.
 */
export async function pollOnce(trigger: SqsTrigger, region: string, onRecord: (body: string) => void): Promise<Delivery> {
    const messages: Message[] = [];
    while (messages.length < trigger.batchSize) {
        const { Messages = [] } = await trigger.sqs.send(
            new ReceiveMessageCommand({
                QueueUrl: trigger.queueUrl,
                MaxNumberOfMessages: Math.min(10, trigger.batchSize - messages.length),
                WaitTimeSeconds: 0,
                MessageSystemAttributeNames: ["All"],
                MessageAttributeNames: ["All"],
            }),
        );
        if (Messages.length === 0) break;
        messages.push(...Messages);
    }
    if (messages.length === 0) return { delivered: 0, failed: [], errors: [] };
    messages.forEach((m) => onRecord(m.Body ?? ""));
    const outcome = await trigger.host.invoke({ Records: messages.map((m) => eventRecord(m, trigger, region)) });
    const errors: string[] = [];
    let failed: string[];
    if (!outcome.ok) {
        failed = messages.map((m) => m.MessageId!);
        errors.push(`${trigger.functionName} failed: ${outcome.error.split("\n")[0]}`);
    } else if (trigger.partialBatch) {
        const response = outcome.result as { batchItemFailures?: { itemIdentifier: string }[] } | undefined;
        failed = (response?.batchItemFailures ?? []).map((f) => f.itemIdentifier);
    } else {
        failed = [];
    }
    const done = messages.filter((m) => !failed.includes(m.MessageId!));
    if (done.length > 0) {
        const out = await trigger.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: trigger.queueUrl, Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
        for (const failure of out.Failed ?? []) errors.push(`DeleteMessage: ${failure.Code}: ${failure.Message}`);
    }
    return { delivered: messages.length, failed, errors };
}
