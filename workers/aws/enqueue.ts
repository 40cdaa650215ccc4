import { randomUUID } from "node:crypto";
import { type MessageAttributeValue, SendMessageBatchCommand, type SendMessageBatchRequestEntry, type SQSClient } from "@aws-sdk/client-sqs";
import { type MessageRouting, correlationAttribute, enqueuedAtAttribute } from "../runtime";
import { type DelaySchedulerSettings, scheduleMessage } from "./delay-schedule";
import type { FrontEndQueue, SendTarget } from "./front-end-config";
import { jobIdAttribute } from "./sqs-message";

/** One routed message ready to send. */
export interface Outgoing {
    /** The body to enqueue (claim-check reference for large bodies). */
    body: string;
    routing: MessageRouting;
    /** The message's W3C trace context (`traceparent`, `tracestate`), sent as String message attributes. @default none */
    traceContext?: Record<string, string>;
}

/** Where messages go and with what. */
export interface EnqueueContext {
    /** Sends the messages that need no schedule. */
    sqs: SQSClient;
    /** Creates delay schedules; absent when no queue takes delays beyond 900 s. */
    scheduler?: DelaySchedulerSettings;
    /** The clock. */
    now: () => Date;
}

/** What happened to a request's messages: ids in request order, or the first refusal. */
export type EnqueueResult = { ids: string[] } | { ids: string[]; failure: string };

/** SQS batch limits: 10 entries per SendMessageBatch, and a payload cap per request. */
const batchEntries = 10;
const batchBytes = 256 * 1024;
/** Longest delay SQS itself honours (DelaySeconds); longer ones go through the scheduler (cloudLimits.aws.messageDelayNativeMaxSeconds). */
export const sqsMaxDelaySeconds = 900;

const text = (value: string): MessageAttributeValue => ({ DataType: "String", StringValue: value });

/** The queue (level) a routed message goes to. */
function targetOf(queue: FrontEndQueue, routing: MessageRouting): SendTarget {
    return routing.level === undefined ? queue : (queue.levels?.find((l) => l.level === routing.level) ?? queue);
}

/**
 * Attributes every message carries: its first enqueue time (kept through promotion), the sender's
 * correlation id, the job id of a scheduled message and its trace context: at most 5 of SQS's 10
 * message attributes (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html).
 */
export function messageAttributes(routing: MessageRouting, now: Date, jobId?: string, traceContext: Record<string, string> = {}): Record<string, MessageAttributeValue> {
    return {
        [enqueuedAtAttribute]: text(now.toISOString()),
        ...(routing.correlationId ? { [correlationAttribute]: text(routing.correlationId) } : {}),
        ...(jobId ? { [jobIdAttribute]: text(jobId) } : {}),
        ...Object.fromEntries(Object.entries(traceContext).map(([name, value]) => [name, text(value)])),
    };
}

/**
 * Sends a request's messages to one queue: delays beyond SQS's 900 s become one schedule each
 * (the job id is made here and travels as an attribute, since SQS assigns none until the schedule
 * runs); the rest go in SendMessageBatch requests per target level. Stops at the first refusal.
 */
export async function enqueue(context: EnqueueContext, queue: FrontEndQueue, messages: Outgoing[]): Promise<EnqueueResult> {
    const ids: string[] = new Array(messages.length);
    const now = context.now();
    const batches = new Map<string, SendMessageBatchRequestEntry[]>();
    for (const [index, { body, routing, traceContext }] of messages.entries()) {
        const target = targetOf(queue, routing);
        if (routing.delaySeconds > sqsMaxDelaySeconds) {
            if (!context.scheduler || !target.arn) throw new Error(`the front end has no delay scheduler for a ${routing.delaySeconds} s delay`);
            const jobId = randomUUID();
            await scheduleMessage(context.scheduler, {
                jobId,
                queueUrl: target.url,
                queueArn: target.arn,
                body,
                attributes: messageAttributes(routing, now, jobId, traceContext),
                at: new Date(now.getTime() + routing.delaySeconds * 1000),
            });
            ids[index] = jobId;
            continue;
        }
        const entries = batches.get(target.url) ?? [];
        batches.set(target.url, entries);
        entries.push({
            Id: String(index),
            MessageBody: body,
            MessageAttributes: messageAttributes(routing, now, undefined, traceContext),
            ...(routing.delaySeconds > 0 ? { DelaySeconds: routing.delaySeconds } : {}),
            ...(routing.groupKey ? { MessageGroupId: routing.groupKey } : {}),
            ...(routing.deduplicationId ? { MessageDeduplicationId: routing.deduplicationId } : {}),
        });
    }
    for (const [url, entries] of batches) {
        for (const chunk of chunks(entries)) {
            const { Successful = [], Failed = [] } = await context.sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: chunk }));
            for (const ok of Successful) ids[Number(ok.Id)] = ok.MessageId ?? "";
            if (Failed.length > 0) return { ids: ids.filter(Boolean), failure: `${Failed.length} message(s) (${Failed[0]!.Code}: ${Failed[0]!.Message})` };
        }
    }
    return { ids };
}

/** Splits entries into SendMessageBatch requests within the entry and payload limits. */
function chunks(entries: SendMessageBatchRequestEntry[]): SendMessageBatchRequestEntry[][] {
    const result: SendMessageBatchRequestEntry[][] = [];
    let current: SendMessageBatchRequestEntry[] = [];
    let bytes = 0;
    for (const entry of entries) {
        const size = Buffer.byteLength(entry.MessageBody ?? "");
        if (current.length === batchEntries || (current.length > 0 && bytes + size > batchBytes)) {
            result.push(current);
            current = [];
            bytes = 0;
        }
        current.push(entry);
        bytes += size;
    }
    if (current.length > 0) result.push(current);
    return result;
}
