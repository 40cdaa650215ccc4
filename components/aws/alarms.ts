import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type AlarmsSpec, alarmsSchema, parseSpecPart } from "../spec";
import { type AwsPlacement, placement } from "./context";
import { awsNames } from "./names";

/** A queue to watch: names are the physical SQS names (the `QueueName` dimension). */
export interface WatchedQueue {
    name: string;
    queueName: pulumi.Input<string>;
    deadLetterName: pulumi.Input<string>;
}

/** A function worker to watch. */
export interface WatchedFunction {
    name: string;
    functionName: pulumi.Input<string>;
}

export interface AlarmsArgs extends AwsPlacement {
    /** Thresholds and the email to notify. @default {} (every field's default) */
    alarms?: Partial<AlarmsSpec>;
    queues: WatchedQueue[];
    functions?: WatchedFunction[];
    /** Name of the delay schedules' dead-letter queue (DelayScheduler), watched like the queues' DLQs. @default none */
    scheduleDeadLetterName?: pulumi.Input<string>;
}

interface AlarmDefinition {
    key: string;
    description: string;
    namespace: string;
    metricName: string;
    dimensions: Record<string, pulumi.Input<string>>;
    statistic: "Maximum" | "Sum";
    periodSeconds: number;
    evaluationPeriods: number;
    threshold: number;
    comparison: "GreaterThanOrEqualToThreshold" | "GreaterThanThreshold";
}

/** The alarms every queue and function worker gets by default. */
export function alarmDefinitions(settings: AlarmsSpec, queues: WatchedQueue[], functions: WatchedFunction[], scheduleDeadLetterName?: pulumi.Input<string>): AlarmDefinition[] {
    const sqs = { namespace: "AWS/SQS", statistic: "Maximum" as const, periodSeconds: 60 };
    const lambda = { namespace: "AWS/Lambda", statistic: "Sum" as const, periodSeconds: 300, evaluationPeriods: 1, comparison: "GreaterThanOrEqualToThreshold" as const };
    return [
        ...queues.flatMap((q) => [
            {
                ...sqs,
                key: `${q.name}-dlq-depth`,
                description: `Messages in the dead-letter queue of "${q.name}": each one is a failure to inspect and redrive.`,
                metricName: "ApproximateNumberOfMessagesVisible",
                dimensions: { QueueName: q.deadLetterName },
                evaluationPeriods: 1,
                threshold: settings.deadLetterDepth,
                comparison: "GreaterThanOrEqualToThreshold" as const,
            },
            {
                ...sqs,
                key: `${q.name}-oldest-message`,
                description: `The oldest message in "${q.name}" is older than ${settings.oldestMessageAgeSeconds} s: workers are not keeping up.`,
                metricName: "ApproximateAgeOfOldestMessage",
                dimensions: { QueueName: q.queueName },
                evaluationPeriods: 3,
                threshold: settings.oldestMessageAgeSeconds,
                comparison: "GreaterThanThreshold" as const,
            },
        ]),
        ...(scheduleDeadLetterName
            ? [
                  {
                      ...sqs,
                      key: "delays-dlq-depth",
                      description: "Delayed messages EventBridge Scheduler could not deliver: each is a dead-letter event (the job is in its body's MessageBody) to inspect and resend.",
                      metricName: "ApproximateNumberOfMessagesVisible",
                      dimensions: { QueueName: scheduleDeadLetterName },
                      evaluationPeriods: 1,
                      threshold: settings.deadLetterDepth,
                      comparison: "GreaterThanOrEqualToThreshold" as const,
                  },
              ]
            : []),
        ...functions.flatMap((f) => [
            { ...lambda, key: `${f.name}-errors`, description: `Worker "${f.name}" failed invocations.`, metricName: "Errors", dimensions: { FunctionName: f.functionName }, threshold: settings.workerErrors },
            { ...lambda, key: `${f.name}-throttles`, description: `Worker "${f.name}" was throttled.`, metricName: "Throttles", dimensions: { FunctionName: f.functionName }, threshold: 1 },
        ]),
    ];
}

/**
 * The alarm topic's KMS key. CloudWatch cannot publish to a topic under the AWS managed SNS key
 * (`alias/aws/sns`): its key policy admits no other service. This customer managed key lets the
 * account administer it and CloudWatch, for this account's alarms only, encrypt what it publishes.
 */
function alarmTopicKey(name: string, tags: Record<string, string>, opts: pulumi.CustomResourceOptions): aws.kms.Key {
    const account = aws.getCallerIdentityOutput({}, opts).accountId;
    const partition = aws.getPartitionOutput({}, opts).partition;
    const policy = pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
            { Sid: "AccountAdministersKey", Effect: "Allow", Principal: { AWS: pulumi.interpolate`arn:${partition}:iam::${account}:root` }, Action: "kms:*", Resource: "*" },
            {
                Sid: "CloudWatchAlarmsPublish",
                Effect: "Allow",
                Principal: { Service: "cloudwatch.amazonaws.com" },
                Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
                Resource: "*",
                Condition: { StringEquals: { "aws:SourceAccount": account } },
            },
        ],
    });
    return new aws.kms.Key(name, { description: "Encrypts the queuestack alarm topic; CloudWatch alarms may publish to it.", enableKeyRotation: true, policy, tags }, opts);
}

/**
 * Alarms on AWS: an SNS topic (encrypted with its own KMS key CloudWatch may use, with the email subscription when given) and CloudWatch
 * alarms on dead-letter depth, oldest message age (the backlog SLA), and worker errors and
 * throttles. Each alarm notifies on ALARM and on OK.
 */
export class Alarms extends pulumi.ComponentResource {
    readonly topic: aws.sns.Topic;
    readonly topicArn: pulumi.Output<string>;
    readonly alarms: aws.cloudwatch.MetricAlarm[];

    constructor(name: string, args: AlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
        const settings = parseSpecPart(alarmsSchema, args.alarms ?? {}, `alarms "${name}"`);
        super("queuestack:aws:Alarms", name, {}, opts);
        const { name: physical, tags } = placement(args, "alarms");
        const key = alarmTopicKey(`${name}-key`, tags, { parent: this });
        this.topic = new aws.sns.Topic(`${name}-topic`, { name: physical(awsNames.snsTopic, "alarms"), kmsMasterKeyId: key.arn, tags }, { parent: this });
        if (settings.email) {
            new aws.sns.TopicSubscription(`${name}-email`, { topic: this.topic.arn, protocol: "email", endpoint: settings.email }, { parent: this });
        }
        this.alarms = alarmDefinitions(settings, args.queues, args.functions ?? [], args.scheduleDeadLetterName).map(
            (a) =>
                new aws.cloudwatch.MetricAlarm(
                    `${name}-${a.key}`,
                    {
                        name: physical(awsNames.cloudwatchAlarm, a.key),
                        alarmDescription: a.description,
                        namespace: a.namespace,
                        metricName: a.metricName,
                        dimensions: a.dimensions,
                        statistic: a.statistic,
                        period: a.periodSeconds,
                        evaluationPeriods: a.evaluationPeriods,
                        threshold: a.threshold,
                        comparisonOperator: a.comparison,
                        treatMissingData: "notBreaching",
                        alarmActions: [this.topic.arn],
                        okActions: [this.topic.arn],
                        tags,
                    },
                    { parent: this },
                ),
        );
        this.topicArn = this.topic.arn;
        this.registerOutputs({ topicArn: this.topicArn });
    }
}
