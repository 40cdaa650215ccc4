import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
    type QueueSpec,
    type QueueSpecInput,
    deduplicationOf,
    secondsPerDay,
    validateQueueSpec,
    visibilityMultiplier,
} from "../spec";
import { type AwsPlacement, placement } from "./context";
import { policyDocument } from "./iam";
import { deduplicationTagKey, senderDeduplicationTagValue } from "../declarations";
import { awsNames } from "./names";

export interface QueueArgs extends AwsPlacement {
    /** The queue's spec (validated for aws; defaults applied). */
    queue: QueueSpecInput | QueueSpec;
    /**
     * Visibility timeout in seconds.
     * @default the spec's visibilityTimeoutSeconds, else 6 x processingTimeSeconds (the whole-stack
     * component passes the value derived from the consuming workers' timeouts)
     */
    visibilityTimeoutSeconds?: number;
}

/** SQS long polling: the longest wait ReceiveMessage allows, so idle consumers make few calls. */
const longPollSeconds = 20;

/**
 * An SQS queue with its dead-letter queue: redrive after `maxReceiveCount`, a DLQ that keeps
 * messages longer than the source, a redrive-allow policy naming the source, SSE, TLS-only access
 * and, for `ordering: fifo`, FIFO queues with deduplication and per-group throughput.
 */
export class Queue extends pulumi.ComponentResource {
    readonly spec: QueueSpec;
    readonly queue: aws.sqs.Queue;
    readonly deadLetterQueue: aws.sqs.Queue;
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
        const { name: physical, tags: roleTags } = placement(args, "queue");
        const fifo = spec.ordering === "fifo";
        // SQS cannot show that senders supply deduplication ids; the tag declares it for the policy pack.
        const tags = fifo && deduplicationOf(spec) === "messageId" ? { ...roleTags, [deduplicationTagKey]: senderDeduplicationTagValue } : roleTags;
        const rule = fifo ? awsNames.sqsFifoQueue : awsNames.sqsQueue;
        const fifoSettings = fifo
            ? {
                  fifoQueue: true,
                  contentBasedDeduplication: deduplicationOf(spec) === "content",
                  deduplicationScope: "messageGroup",
                  fifoThroughputLimit: "perMessageGroupId",
              }
            : {};

        this.deadLetterQueue = new aws.sqs.Queue(
            `${name}-dlq`,
            {
                name: physical(rule, spec.name, "dlq"),
                messageRetentionSeconds: spec.deadLetter.retentionDays * secondsPerDay,
                maxMessageSize: spec.maxMessageKb * 1024,
                receiveWaitTimeSeconds: longPollSeconds,
                sqsManagedSseEnabled: true,
                tags,
                ...fifoSettings,
            },
            { parent: this },
        );

        this.queue = new aws.sqs.Queue(
            `${name}-queue`,
            {
                name: physical(rule, spec.name),
                visibilityTimeoutSeconds:
                    args.visibilityTimeoutSeconds ?? spec.visibilityTimeoutSeconds ?? visibilityMultiplier * spec.processingTimeSeconds,
                messageRetentionSeconds: spec.retentionDays * secondsPerDay,
                delaySeconds: spec.deliveryDelaySeconds,
                maxMessageSize: spec.maxMessageKb * 1024,
                receiveWaitTimeSeconds: longPollSeconds,
                sqsManagedSseEnabled: true,
                redrivePolicy: pulumi.jsonStringify({ deadLetterTargetArn: this.deadLetterQueue.arn, maxReceiveCount: spec.maxReceiveCount }),
                tags,
                ...fifoSettings,
            },
            { parent: this },
        );

        // Only the source may redrive into the DLQ (a separate resource: the queues reference each other).
        new aws.sqs.RedriveAllowPolicy(
            `${name}-dlq-redrive-allow`,
            {
                queueUrl: this.deadLetterQueue.url,
                redriveAllowPolicy: pulumi.jsonStringify({ redrivePermission: "byQueue", sourceQueueArns: [this.queue.arn] }),
            },
            { parent: this },
        );

        for (const [role, queue] of [["queue", this.queue], ["dlq", this.deadLetterQueue]] as const) {
            new aws.sqs.QueuePolicy(
                `${name}-${role}-tls-only`,
                {
                    queueUrl: queue.url,
                    policy: policyDocument([
                        {
                            sid: "DenyInsecureTransport",
                            effect: "Deny",
                            principals: { AWS: "*" },
                            actions: ["sqs:*"],
                            resources: [queue.arn],
                            condition: { Bool: { "aws:SecureTransport": "false" } },
                        },
                    ]),
                },
                { parent: this },
            );
        }

        this.url = this.queue.url;
        this.arn = this.queue.arn;
        this.queueName = this.queue.name;
        this.deadLetterUrl = this.deadLetterQueue.url;
        this.deadLetterArn = this.deadLetterQueue.arn;
        this.deadLetterName = this.deadLetterQueue.name;
        this.registerOutputs({
            url: this.url,
            arn: this.arn,
            queueName: this.queueName,
            deadLetterUrl: this.deadLetterUrl,
            deadLetterArn: this.deadLetterArn,
            deadLetterName: this.deadLetterName,
        });
    }
}
