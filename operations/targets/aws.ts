import { traceContextAttributes } from "../../workers/runtime/tracing/propagation";
import { CloudWatchClient, GetMetricStatisticsCommand } from "@aws-sdk/client-cloudwatch";
import {
    ChangeMessageVisibilityBatchCommand,
    DeleteMessageBatchCommand,
    GetQueueAttributesCommand,
    PurgeQueueCommand,
    ReceiveMessageCommand,
    SendMessageBatchCommand,
    SQSClient,
    type Message,
    type MessageAttributeValue,
} from "@aws-sdk/client-sqs";
import { OperationError } from "../errors";
import { scheduleEventOf } from "./aws-schedule-events";
import type { DeadLetterReader, MessageContent, OpsTarget, QueueStatus, TakenMessage } from "./types";

/** A queue and its dead-letter queue, by URL (the stack outputs `queues[name].id` / `.deadLetterId`). */
export interface SqsQueuePair {
    url: string;
    deadLetterUrl: string;
}

/** How the AWS target reaches SQS and CloudWatch. */
export interface AwsTargetOptions {
    /** Per spec queue name. */
    queues: Record<string, SqsQueuePair>;
    region: string;
    /** An SQS-compatible endpoint (moto, LocalStack). @default the AWS endpoint of the region */
    endpoint?: string;
    /** @default a client built from region/endpoint with the default credential chain */
    sqs?: SQSClient;
    cloudwatch?: CloudWatchClient;
}

/** How long taken dead letters stay hidden while a command works on them. */
const holdSeconds = 300;
/** The SQS FIFO deduplication interval. */
const deduplicationWindowMs = 300_000;

/**
 * The AWS target. Redrive is receive / send / delete rather than SQS's StartMessageMoveTask: the
 * move task takes the whole DLQ (no picking message ids), reports only approximate counts, and
 * emulators do not run it; receive/send/delete keeps the body, the typed message attributes,
 * MessageGroupId and MessageDeduplicationId, and sends each batch in the order received, which is
 * group order on FIFO queues. A FIFO source drops a message whose deduplication id it saw in the
 * last 5 minutes, so a dead letter that went through the source less than 5 minutes ago carries a
 * `notBefore` and the redrive leaves it (and the rest of its group) in the DLQ until then.
 */
export class AwsTarget implements OpsTarget {
    readonly cloud = "aws" as const;
    private readonly sqs: SQSClient;
    private readonly cloudwatch: CloudWatchClient;

    constructor(private readonly options: AwsTargetOptions) {
        const config = { region: options.region, ...(options.endpoint ? { endpoint: options.endpoint } : {}) };
        this.sqs = options.sqs ?? new SQSClient(config);
        this.cloudwatch = options.cloudwatch ?? new CloudWatchClient(config);
    }

    async status(queue: string): Promise<QueueStatus> {
        const pair = this.pair(queue);
        const [source, dlq] = await Promise.all([
            this.attributes(pair.url, ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesDelayed", "ApproximateNumberOfMessagesNotVisible"]),
            this.attributes(pair.deadLetterUrl, ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]),
        ]);
        const visible = source.ApproximateNumberOfMessages + source.ApproximateNumberOfMessagesDelayed;
        const oldestAgeSeconds = visible === 0 ? 0 : await this.oldestAge(pair.url);
        return {
            visible,
            inFlight: source.ApproximateNumberOfMessagesNotVisible,
            ...(oldestAgeSeconds !== undefined ? { oldestAgeSeconds } : {}),
            deadLetters: dlq.ApproximateNumberOfMessages + dlq.ApproximateNumberOfMessagesNotVisible,
        };
    }

    deadLetters(queue: string): DeadLetterReader {
        const url = this.pair(queue).deadLetterUrl;
        return {
            take: async (max) => {
                const { Messages = [] } = await this.call(`receive from ${url}`, () =>
                    this.sqs.send(
                        new ReceiveMessageCommand({
                            QueueUrl: url,
                            MaxNumberOfMessages: Math.min(10, max),
                            WaitTimeSeconds: 1,
                            VisibilityTimeout: holdSeconds,
                            MessageSystemAttributeNames: ["All"],
                            MessageAttributeNames: ["All"],
                        }),
                    ),
                );
                return Messages.map(toTaken);
            },
            remove: (messages) =>
                this.inBatches(messages, (chunk) =>
                    this.call(`delete from ${url}`, () =>
                        this.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: chunk.map((m, i) => ({ Id: String(i), ReceiptHandle: m.handle as string })) })),
                    ),
                ),
            release: (messages) =>
                this.inBatches(messages, (chunk) =>
                    this.call(`release on ${url}`, () =>
                        this.sqs.send(
                            new ChangeMessageVisibilityBatchCommand({ QueueUrl: url, Entries: chunk.map((m, i) => ({ Id: String(i), ReceiptHandle: m.handle as string, VisibilityTimeout: 0 })) }),
                        ),
                    ),
                ),
        };
    }

    async send(queue: string, messages: MessageContent[]): Promise<string[]> {
        const url = this.pair(queue).url;
        const ids: string[] = [];
        await this.inBatches(messages, async (chunk) => {
            const out = await this.call(`send to ${url}`, () =>
                this.sqs.send(
                    new SendMessageBatchCommand({
                        QueueUrl: url,
                        Entries: chunk.map((m, i) => ({
                            Id: String(i),
                            MessageBody: m.body,
                            MessageAttributes: withTraceContext(m.nativeAttributes as Record<string, MessageAttributeValue> | undefined, m.attributes),
                            ...(m.groupKey !== undefined ? { MessageGroupId: m.groupKey } : {}),
                            ...(m.deduplicationId !== undefined ? { MessageDeduplicationId: m.deduplicationId } : {}),
                        })),
                    }),
                ),
            );
            const failed = out.Failed ?? [];
            if (failed.length > 0) throw new OperationError(`SQS refused ${failed.length} of ${chunk.length} messages on ${url}: ${failed[0].Code}: ${failed[0].Message}`);
            const byEntry = new Map((out.Successful ?? []).map((s) => [s.Id, s.MessageId!]));
            ids.push(...chunk.map((_, i) => byEntry.get(String(i))!));
        });
        return ids;
    }

    async purgeDeadLetters(queue: string): Promise<number> {
        const url = this.pair(queue).deadLetterUrl;
        const { ApproximateNumberOfMessages, ApproximateNumberOfMessagesNotVisible } = await this.attributes(url, ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]);
        await this.call(`purge ${url}`, () => this.sqs.send(new PurgeQueueCommand({ QueueUrl: url })));
        return ApproximateNumberOfMessages + ApproximateNumberOfMessagesNotVisible;
    }

    async close(): Promise<void> {
        if (!this.options.sqs) this.sqs.destroy();
        if (!this.options.cloudwatch) this.cloudwatch.destroy();
    }

    private pair(queue: string): SqsQueuePair {
        const pair = this.options.queues[queue];
        if (!pair) throw new Error(`no SQS URLs for queue ${queue}`);
        return pair;
    }

    private async attributes<K extends string>(url: string, names: K[]): Promise<Record<K, number>> {
        const { Attributes = {} } = await this.call(`read attributes of ${url}`, () =>
            this.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: names as never })),
        );
        return Object.fromEntries(names.map((n) => [n, Number((Attributes as Record<string, string>)[n] ?? 0)])) as Record<K, number>;
    }

    /** `ApproximateAgeOfOldestMessage` over the last 5 minutes: SQS itself does not report it. Undefined when CloudWatch has no datapoint. */
    private async oldestAge(url: string): Promise<number | undefined> {
        const end = new Date();
        const { Datapoints = [] } = await this.call("read CloudWatch ApproximateAgeOfOldestMessage", () =>
            this.cloudwatch.send(
                new GetMetricStatisticsCommand({
                    Namespace: "AWS/SQS",
                    MetricName: "ApproximateAgeOfOldestMessage",
                    Dimensions: [{ Name: "QueueName", Value: url.slice(url.lastIndexOf("/") + 1) }],
                    StartTime: new Date(end.getTime() - 300_000),
                    EndTime: end,
                    Period: 60,
                    Statistics: ["Maximum"],
                }),
            ),
        );
        const latest = Datapoints.sort((a, b) => (b.Timestamp?.getTime() ?? 0) - (a.Timestamp?.getTime() ?? 0))[0];
        return latest?.Maximum;
    }

    private async inBatches<T>(items: T[], run: (chunk: T[]) => Promise<unknown>): Promise<void> {
        for (let i = 0; i < items.length; i += 10) await run(items.slice(i, i + 10));
    }

    private async call<T>(what: string, run: () => Promise<T>): Promise<T> {
        try {
            return await run();
        } catch (error) {
            const e = error as Error;
            throw new OperationError(`could not ${what}: ${e.name}: ${e.message}`);
        }
    }
}

/**
 * The typed attributes a message came with (as they were), its trace context taken from `attributes`
 * instead (a redrive gives each copy a new one); String attributes from `attributes` when it came with none.
 */
function withTraceContext(native: Record<string, MessageAttributeValue> | undefined, attributes: Record<string, string>): Record<string, MessageAttributeValue> {
    if (!native) return stringAttributes(attributes);
    const kept = Object.entries(native).filter(([name]) => !(traceContextAttributes as readonly string[]).includes(name));
    const context = traceContextAttributes.filter((name) => attributes[name] !== undefined).map((name) => [name, { DataType: "String", StringValue: attributes[name] }] as const);
    return Object.fromEntries([...kept, ...context]);
}

function stringAttributes(attributes: Record<string, string>): Record<string, MessageAttributeValue> {
    return Object.fromEntries(Object.entries(attributes).map(([name, value]) => [name, { DataType: "String", StringValue: value }]));
}

/**
 * A dead letter as taken. An EventBridge Scheduler dead-letter event (a delay schedule that could
 * not send) is unwrapped: its body and attributes are the delayed job's, its reason Scheduler's
 * error, so a redrive sends the job itself; an event without the whole job is never redriven.
 */
function toTaken(message: Message): TakenMessage {
    const event = scheduleEventOf(message.Body ?? "", message.MessageAttributes ?? {});
    const taken = toTakenMessage(message);
    if (!event) return taken;
    const { groupKey: _g, deduplicationId: _d, notBefore: _n, ...rest } = taken;
    if (!event.job) {
        return {
            ...rest,
            reason: event.reason,
            ...(event.attempts !== undefined ? { attempts: event.attempts } : {}),
            unredrivable: "an EventBridge Scheduler dead-letter event without the delayed job (its payload was truncated or is not a SendMessage request)",
        };
    }
    const native = event.job.attributes;
    return {
        ...rest,
        body: event.job.body,
        attributes: Object.fromEntries(Object.entries(native).map(([name, a]) => [name, a.StringValue ?? `<${a.DataType}>`])),
        nativeAttributes: native,
        reason: `${event.reason} (delayed job for ${event.job.queueUrl})`,
        ...(event.attempts !== undefined ? { attempts: event.attempts } : {}),
    };
}

function toTakenMessage(message: Message): TakenMessage {
    const system = message.Attributes ?? {};
    const native = message.MessageAttributes ?? {};
    // Received before this receive: it went through the source queue, which saw its deduplication id.
    const fromSource = Number(system.ApproximateReceiveCount ?? 0) > 1;
    const sentAt = Number(system.SentTimestamp ?? 0);
    const redrivable = sentAt + deduplicationWindowMs;
    const early = system.MessageGroupId && system.MessageDeduplicationId && fromSource && redrivable > Date.now();
    return {
        id: message.MessageId!,
        body: message.Body ?? "",
        attributes: Object.fromEntries(Object.entries(native).map(([name, a]) => [name, a.StringValue ?? `<${a.DataType}>`])),
        nativeAttributes: native,
        ...(system.MessageGroupId ? { groupKey: system.MessageGroupId } : {}),
        ...(system.MessageDeduplicationId ? { deduplicationId: system.MessageDeduplicationId } : {}),
        // SQS keeps counting receives after the move to the DLQ; the receive that took it here is not an attempt.
        ...(system.ApproximateReceiveCount ? { attempts: Number(system.ApproximateReceiveCount) - 1 } : {}),
        ...(system.SentTimestamp ? { sentAt: new Date(Number(system.SentTimestamp)) } : {}),
        ...(early ? { notBefore: new Date(redrivable) } : {}),
        handle: message.ReceiptHandle!,
    };
}
