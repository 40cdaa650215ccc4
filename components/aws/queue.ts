import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type QueueLevel, type QueueSpec, type QueueSpecInput, defaultQueueLevel, queueLevels, validateQueueSpec, visibilityMultiplier } from "../spec";
import { type AwsPlacement, placement } from "./context";
import { type LevelQueue, levelQueue } from "./queue-level";
import type { LevelRef } from "./refs";

/** A fan-out topic feeding a queue. */
export interface FeedingTopic {
    /** The topic's spec name (names the subscription). */
    name: string;
    /** The SNS topic's ARN. */
    arn: pulumi.Input<string>;
}

export interface QueueArgs extends AwsPlacement {
    /** The queue's spec (validated for aws; defaults applied). */
    queue: QueueSpecInput | QueueSpec;
    /**
     * Visibility timeout in seconds.
     * @default the spec's visibilityTimeoutSeconds, else 6 x processingTimeSeconds (the whole-stack
     * component passes the value derived from the consuming workers' timeouts)
     */
    visibilityTimeoutSeconds?: number;
    /**
     * Fan-out topics feeding this queue: each gets an SQS subscription with raw delivery to the
     * queue's default level and a redrive policy to that level's DLQ; the level's queue policies
     * let exactly these topics send. @default [] (no subscription, no SNS grant)
     */
    topics?: FeedingTopic[];
}

/**
 * An SQS queue with its dead-letter queue (see levelQueue), or with `priorities` one queue + DLQ
 * per level, named `<queue>-<level>`. The url/arn/name outputs are those of the default level
 * (where senders that name no level, and fan-out topics, deliver); `levels` lists every level.
 */
export class Queue extends pulumi.ComponentResource {
    readonly spec: QueueSpec;
    readonly queue: aws.sqs.Queue;
    readonly deadLetterQueue: aws.sqs.Queue;
    /** Every level's queues, highest first (one entry without priorities). */
    readonly levelQueues: LevelQueue[];
    /** Every level as consumers and senders see it, highest first. */
    readonly levels: LevelRef[];
    /** Queue URL (the id SQS APIs take). */
    readonly url: pulumi.Output<string>;
    readonly arn: pulumi.Output<string>;
    /** Physical queue name (the CloudWatch `QueueName` dimension). */
    readonly queueName: pulumi.Output<string>;
    readonly deadLetterUrl: pulumi.Output<string>;
    readonly deadLetterArn: pulumi.Output<string>;
    readonly deadLetterName: pulumi.Output<string>;

    constructor(name: string, args: QueueArgs, opts?: pulumi.ComponentResourceOptions) {
        const spec = validateQueueSpec(args.queue, "aws", `queue "${name}"`);
        super("queuestack:aws:Queue", name, {}, opts);
        this.spec = spec;
        const { name: physical, tags } = placement(args, "queue");
        const topics = args.topics ?? [];
        const visibilityTimeoutSeconds = args.visibilityTimeoutSeconds ?? spec.visibilityTimeoutSeconds ?? visibilityMultiplier * spec.processingTimeSeconds;
        const defaultLevel = defaultQueueLevel(spec);
        const isDefault = (level: QueueLevel) => level.name === defaultLevel.name;
        const logicalPrefix = (level: QueueLevel) => (level.level ? `${name}-${level.level}` : name);

        this.levelQueues = queueLevels(spec).map((level) =>
            levelQueue({
                spec,
                level,
                logicalPrefix: logicalPrefix(level),
                physical,
                tags,
                visibilityTimeoutSeconds,
                topicArns: isDefault(level) ? topics.map((t) => t.arn) : [],
                parent: this,
            }),
        );
        const main = this.levelQueues.find(isDefault)!;
        for (const topic of topics) {
            new aws.sns.TopicSubscription(
                `${logicalPrefix(main)}-${topic.name}-subscription`,
                {
                    topic: topic.arn,
                    protocol: "sqs",
                    endpoint: main.queue.arn,
                    rawMessageDelivery: true,
                    redrivePolicy: pulumi.jsonStringify({ deadLetterTargetArn: main.deadLetterQueue.arn }),
                },
                // Subscribed once the queue policy lets the topic send, so no first event is refused.
                { parent: this, dependsOn: main.policies },
            );
        }

        this.levels = this.levelQueues.map((l) => ({
            ...(l.level ? { level: l.level } : {}),
            weight: l.weight,
            url: l.queue.url,
            arn: l.queue.arn,
            queueName: l.queue.name,
            deadLetterArn: l.deadLetterQueue.arn,
            deadLetterName: l.deadLetterQueue.name,
        }));
        this.queue = main.queue;
        this.deadLetterQueue = main.deadLetterQueue;
        this.url = main.queue.url;
        this.arn = main.queue.arn;
        this.queueName = main.queue.name;
        this.deadLetterUrl = main.deadLetterQueue.url;
        this.deadLetterArn = main.deadLetterQueue.arn;
        this.deadLetterName = main.deadLetterQueue.name;
        this.registerOutputs({
            url: this.url,
            arn: this.arn,
            queueName: this.queueName,
            deadLetterUrl: this.deadLetterUrl,
            deadLetterArn: this.deadLetterArn,
            deadLetterName: this.deadLetterName,
            levels: this.levels,
        });
    }
}
