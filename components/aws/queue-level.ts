import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type QueueLevel, type QueueSpec, deduplicationOf, secondsPerDay } from "../spec";
import { deduplicationTagKey, senderDeduplicationTagValue } from "../declarations";
import { type Statement, denyInsecureTransport, policyDocument } from "./iam";
import { awsNames } from "./names";

/** SQS long polling: the longest wait ReceiveMessage allows, so idle consumers make few calls. */
const longPollSeconds = 20;

/** One physical queue (a priority level, or the queue itself) with its DLQ, as created. */
export interface LevelQueue extends QueueLevel {
    queue: aws.sqs.Queue;
    deadLetterQueue: aws.sqs.Queue;
    /** The queue policies (TLS only, plus the topics' SendMessage grant), for subscriptions to wait on. */
    policies: aws.sqs.QueuePolicy[];
}

export interface LevelQueueArgs {
    /** The validated queue spec (retention, size, FIFO settings, redrive). */
    spec: QueueSpec;
    /** The level to create (from queueLevels): names every resource of it. */
    level: QueueLevel;
    /** Prefix of the children's logical names: `<component>-<level>` for a priority level, else the component's name. */
    logicalPrefix: string;
    /** Builds a physical name from parts (the placement's prefix first). */
    physical: (rule: typeof awsNames.sqsQueue, ...parts: string[]) => string;
    /** Tags for both queues. */
    tags: Record<string, string>;
    /** Visibility timeout of the queue, seconds. */
    visibilityTimeoutSeconds: number;
    /**
     * SNS topics allowed to send to this queue and its DLQ (the DLQ takes a subscription's
     * undeliverable copies). @default [] (no SNS grant in the queue policies)
     */
    topicArns?: pulumi.Input<string>[];
    parent: pulumi.Resource;
}

/** A queue policy statement letting exactly these SNS topics send (aws:SourceArn). */
export function allowTopics(arn: pulumi.Input<string>, topicArns: pulumi.Input<string>[]): Statement {
    return {
        sid: "AllowFanOutTopics",
        principals: { Service: "sns.amazonaws.com" },
        actions: ["sqs:SendMessage"],
        resources: [arn],
        condition: { ArnEquals: { "aws:SourceArn": topicArns } },
    };
}

/**
 * One level's SQS queue and DLQ: redrive after `maxReceiveCount`, a DLQ that keeps messages
 * longer than the source, a redrive-allow policy naming the source, SSE, TLS-only access, the SNS
 * grant for fan-out topics and, for `ordering: fifo`, FIFO settings.
 */
export function levelQueue(args: LevelQueueArgs): LevelQueue {
    const { spec, level, logicalPrefix: prefix, physical, parent } = args;
    const fifo = spec.ordering === "fifo";
    // SQS cannot show that senders supply deduplication ids; the tag declares it for the policy pack.
    const tags = fifo && deduplicationOf(spec) === "messageId" ? { ...args.tags, [deduplicationTagKey]: senderDeduplicationTagValue } : args.tags;
    const rule = fifo ? awsNames.sqsFifoQueue : awsNames.sqsQueue;
    const fifoSettings = fifo
        ? { fifoQueue: true, contentBasedDeduplication: deduplicationOf(spec) === "content", deduplicationScope: "messageGroup", fifoThroughputLimit: "perMessageGroupId" }
        : {};
    const common = { maxMessageSize: spec.maxMessageKb * 1024, receiveWaitTimeSeconds: longPollSeconds, sqsManagedSseEnabled: true, tags, ...fifoSettings };

    const deadLetterQueue = new aws.sqs.Queue(
        `${prefix}-dlq`,
        { name: physical(rule, level.name, "dlq"), messageRetentionSeconds: spec.deadLetter.retentionDays * secondsPerDay, ...common },
        { parent },
    );
    const queue = new aws.sqs.Queue(
        `${prefix}-queue`,
        {
            name: physical(rule, level.name),
            visibilityTimeoutSeconds: args.visibilityTimeoutSeconds,
            messageRetentionSeconds: spec.retentionDays * secondsPerDay,
            delaySeconds: spec.deliveryDelaySeconds,
            redrivePolicy: pulumi.jsonStringify({ deadLetterTargetArn: deadLetterQueue.arn, maxReceiveCount: spec.maxReceiveCount }),
            ...common,
        },
        { parent },
    );
    // Only the source may redrive into the DLQ (a separate resource: the queues reference each other).
    new aws.sqs.RedriveAllowPolicy(
        `${prefix}-dlq-redrive-allow`,
        { queueUrl: deadLetterQueue.url, redriveAllowPolicy: pulumi.jsonStringify({ redrivePermission: "byQueue", sourceQueueArns: [queue.arn] }) },
        { parent },
    );
    const topicArns = args.topicArns ?? [];
    const policies = ([["queue", queue], ["dlq", deadLetterQueue]] as const).map(
        ([role, q]) =>
            new aws.sqs.QueuePolicy(
                `${prefix}-${role}-policy`,
                { queueUrl: q.url, policy: policyDocument([denyInsecureTransport("sqs", [q.arn]), ...(topicArns.length > 0 ? [allowTopics(q.arn, topicArns)] : [])]) },
                // Named -tls-only before it also carried the topics' grant; the alias keeps deployed policies in place.
                { parent, aliases: [{ name: `${prefix}-${role}-tls-only` }] },
            ),
    );
    return { ...level, queue, deadLetterQueue, policies };
}
