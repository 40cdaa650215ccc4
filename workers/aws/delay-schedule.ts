import { CreateScheduleCommand, type SchedulerClient } from "@aws-sdk/client-scheduler";
import type { MessageAttributeValue } from "@aws-sdk/client-sqs";
import { envelopeHeadroomBytes } from "../runtime";

/** The schedule group, role and dead-letter queue of delayed messages (env QUEUESTACK_SCHEDULE_GROUP / QUEUESTACK_SCHEDULER_ROLE_ARN / QUEUESTACK_SCHEDULER_DEAD_LETTER_ARN). */
export interface DelaySchedulerSettings {
    /** Creates the schedules (the front end may only create them in its group). */
    client: SchedulerClient;
    /** Schedule group the front end may create schedules in. */
    groupName: string;
    /** Role the schedules send with (sqs:SendMessage on the target queues and the dead-letter queue below). */
    roleArn: string;
    /**
     * ARN of the schedules' own standard dead-letter queue (Scheduler takes no FIFO DLQ). What lands
     * there is Scheduler's dead-letter event, never a job: a work queue's DLQ would let a redrive
     * feed it to workers.
     */
    deadLetterArn: string;
}

/** One message to deliver later. */
export interface DelayedMessage {
    /** The job id; names the schedule (`queuestack-<id>`) and rides along as the queuestack-job-id attribute. */
    jobId: string;
    /** URL of the queue (level) to send to. */
    queueUrl: string;
    /** ARN of that queue: its partition picks the universal target's. */
    queueArn: string;
    /** The message body as enqueued. */
    body: string;
    /** Message attributes to send with it. */
    attributes: Record<string, MessageAttributeValue>;
    /** When it is due. */
    at: Date;
}

/** Largest schedule target input EventBridge Scheduler takes, bytes (its payload quota). */
const schedulerMaxInputBytes = 256 * 1024;

/**
 * The largest body (bytes, as sent) that still fits a schedule's input once JSON-escaped inside
 * it: the cap less the envelope headroom (queue URL, attributes) less what escaping `body` adds.
 * Larger bodies are claim-checked (or refused with 413 when the claim check is off).
 */
export function scheduleInputLimitBytes(body: string): number {
    const escaping = Buffer.byteLength(JSON.stringify(body)) - 2 - Buffer.byteLength(body);
    return schedulerMaxInputBytes - envelopeHeadroomBytes - escaping;
}

/** How long, and how often, the scheduler retries a failed send before it dead-letters the message. */
const retryPolicy = { MaximumEventAgeInSeconds: 86_400, MaximumRetryAttempts: 185 };

/** `at(yyyy-mm-ddThh:mm:ss)` in UTC, rounded up to the next whole second. */
function atExpression(when: Date): string {
    const rounded = new Date(Math.ceil(when.getTime() / 1000) * 1000);
    return `at(${rounded.toISOString().slice(0, 19)})`;
}

/**
 * Schedules one SQS SendMessage: a one-time EventBridge Scheduler schedule, deleted after it runs,
 * whose universal target `aws-sdk:sqs:sendMessage` sends the body with its attributes (a templated
 * SQS target carries the body only), retried for up to a day, then reported to the schedules' dead-letter queue.
 */
export async function scheduleMessage(settings: DelaySchedulerSettings, message: DelayedMessage): Promise<void> {
    const partition = message.queueArn.split(":")[1] ?? "aws";
    await settings.client.send(
        new CreateScheduleCommand({
            Name: `queuestack-${message.jobId}`,
            GroupName: settings.groupName,
            ScheduleExpression: atExpression(message.at),
            ScheduleExpressionTimezone: "UTC",
            FlexibleTimeWindow: { Mode: "OFF" },
            ActionAfterCompletion: "DELETE",
            Target: {
                Arn: `arn:${partition}:scheduler:::aws-sdk:sqs:sendMessage`,
                RoleArn: settings.roleArn,
                Input: JSON.stringify({ QueueUrl: message.queueUrl, MessageBody: message.body, MessageAttributes: message.attributes }),
                DeadLetterConfig: { Arn: settings.deadLetterArn },
                RetryPolicy: retryPolicy,
            },
        }),
    );
}
