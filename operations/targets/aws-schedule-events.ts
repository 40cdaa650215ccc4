import type { MessageAttributeValue } from "@aws-sdk/client-sqs";

/**
 * EventBridge Scheduler's dead-letter events. A schedule that cannot deliver its target sends the
 * target's input to its DLQ with the failure in message attributes: ERROR_CODE, ERROR_MESSAGE,
 * SCHEDULE_ARN, TARGET_ARN, RETRY_ATTEMPTS, IS_PAYLOAD_TRUNCATED...
 * (https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html). For a
 * queuestack delay the input is the `sqs:sendMessage` request `{QueueUrl, MessageBody,
 * MessageAttributes}` (workers/aws/delay-schedule.ts), never a job: sent to a queue as it is, a
 * worker would run the request as its job.
 */
export interface ScheduleEvent {
    /** Why Scheduler gave up, for the operator. */
    reason: string;
    /** Retries Scheduler made (RETRY_ATTEMPTS). */
    attempts?: number;
    /** The delayed job, when the event carries it whole: what a redrive sends. */
    job?: { queueUrl: string; body: string; attributes: Record<string, MessageAttributeValue> };
}

/** The Scheduler dead-letter event in a message, or undefined for any other message (a job). */
export function scheduleEventOf(body: string, attributes: Record<string, MessageAttributeValue>): ScheduleEvent | undefined {
    const scheduleArn = attributes.SCHEDULE_ARN?.StringValue;
    if (!scheduleArn) return undefined;
    const text = (name: string) => attributes[name]?.StringValue;
    const retries = Number(text("RETRY_ATTEMPTS"));
    const reason = `EventBridge Scheduler could not deliver schedule ${scheduleArn}: ${text("ERROR_CODE") ?? "unknown error"}: ${text("ERROR_MESSAGE") ?? "-"}`;
    const event = { reason, ...(Number.isInteger(retries) ? { attempts: retries } : {}) };
    if (text("IS_PAYLOAD_TRUNCATED") === "true") return event;
    const input = parse(body);
    const job =
        typeof input?.QueueUrl === "string" && typeof input.MessageBody === "string"
            ? { queueUrl: input.QueueUrl, body: input.MessageBody, attributes: (isObject(input.MessageAttributes) ? input.MessageAttributes : {}) as Record<string, MessageAttributeValue> }
            : undefined;
    return job ? { ...event, job } : event;
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);

function parse(body: string): Record<string, unknown> | undefined {
    try {
        const value: unknown = JSON.parse(body);
        return isObject(value) ? value : undefined;
    } catch {
        return undefined;
    }
}
