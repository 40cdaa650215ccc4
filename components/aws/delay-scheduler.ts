import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type AwsPlacement, placement } from "./context";
import { denyInsecureTransport, leastPrivilegeRole, policyDocument } from "./iam";
import { awsNames } from "./names";

/** A queue delayed messages are delivered to. */
export interface DelayTarget {
    /** ARN of the queue (or priority level) the schedule sends to. */
    arn: pulumi.Input<string>;
}

/**
 * Days the schedules' dead-letter queue keeps a dead-letter event: SQS's longest (14), since the
 * event is the only trace of a delayed job that was never delivered.
 */
export const scheduleDeadLetterRetentionDays = 14;

export interface DelaySchedulerArgs extends AwsPlacement {
    /** Every queue level whose spec queue takes delays beyond SQS's 900 s (needsDelayScheduler). */
    targets: DelayTarget[];
}

/**
 * Long delays on AWS: an EventBridge Scheduler schedule group the front end creates one-time
 * `at(...)` schedules in (deleted after they run), the role those schedules send with, and the
 * schedules' own dead-letter queue. A schedule that cannot deliver its message sends Scheduler's
 * dead-letter event there: the target input (our SendMessage request, not a job) with ERROR_CODE,
 * SCHEDULE_ARN, TARGET_ARN... as message attributes
 * (https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html). It is a
 * standard queue (Scheduler takes no FIFO DLQ) apart from the work queues' DLQs, so a redrive of
 * those never feeds an event to workers as a job; no queue may dead-letter into it
 * (`redriveAllowPolicy: denyAll`). The role trusts scheduler.amazonaws.com for this account only
 * and may only send to the target queues and this dead-letter queue.
 */
export class DelayScheduler extends pulumi.ComponentResource {
    readonly group: aws.scheduler.ScheduleGroup;
    readonly role: aws.iam.Role;
    readonly deadLetterQueue: aws.sqs.Queue;
    readonly groupName: pulumi.Output<string>;
    readonly roleArn: pulumi.Output<string>;
    /** ARN pattern of the group's schedules, `arn:aws:scheduler:<region>:<account>:schedule/<group>/*` (scopes CreateSchedule). */
    readonly schedulesArn: pulumi.Output<string>;
    /** ARN of the schedules' dead-letter queue (each schedule's DeadLetterConfig). */
    readonly deadLetterArn: pulumi.Output<string>;
    /** URL of the schedules' dead-letter queue (stack output `delayDeadLetterUrl`). */
    readonly deadLetterUrl: pulumi.Output<string>;
    /** Name of the schedules' dead-letter queue (its depth alarm's QueueName). */
    readonly deadLetterName: pulumi.Output<string>;

    constructor(name: string, args: DelaySchedulerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("queuestack:aws:DelayScheduler", name, {}, opts);
        const { name: physical, globalName, tags } = placement(args, "delay-scheduler");
        const parent = { parent: this };
        const account = aws.getCallerIdentityOutput({}, parent).accountId;
        const partition = aws.getPartitionOutput({}, parent).partition;
        const region = aws.getRegionOutput({}, parent).region;
        this.group = new aws.scheduler.ScheduleGroup(`${name}-group`, { name: physical(awsNames.scheduleGroup, "delays"), tags }, parent);
        this.deadLetterQueue = new aws.sqs.Queue(
            `${name}-dlq`,
            {
                name: physical(awsNames.sqsQueue, "delays", "dlq"),
                messageRetentionSeconds: scheduleDeadLetterRetentionDays * 86_400,
                sqsManagedSseEnabled: true,
                redriveAllowPolicy: JSON.stringify({ redrivePermission: "denyAll" }),
                tags,
            },
            parent,
        );
        new aws.sqs.QueuePolicy(`${name}-dlq-policy`, { queueUrl: this.deadLetterQueue.url, policy: policyDocument([denyInsecureTransport("sqs", [this.deadLetterQueue.arn])]) }, parent);
        const { role } = leastPrivilegeRole(
            `${name}-role`,
            {
                name: globalName(this, awsNames.iamRole, "delays"),
                service: "scheduler.amazonaws.com",
                trustCondition: { StringEquals: { "aws:SourceAccount": account } },
                statements: [
                    { sid: "SendDueMessages", actions: ["sqs:SendMessage"], resources: args.targets.map((t) => t.arn) },
                    { sid: "SendDeadLetterEvents", actions: ["sqs:SendMessage"], resources: [this.deadLetterQueue.arn] },
                ],
                tags,
            },
            parent,
        );
        this.role = role;
        this.groupName = this.group.name;
        this.roleArn = role.arn;
        this.schedulesArn = pulumi.interpolate`arn:${partition}:scheduler:${region}:${account}:schedule/${this.group.name}/*`;
        this.deadLetterArn = this.deadLetterQueue.arn;
        this.deadLetterUrl = this.deadLetterQueue.url;
        this.deadLetterName = this.deadLetterQueue.name;
        this.registerOutputs({ groupName: this.groupName, roleArn: this.roleArn, schedulesArn: this.schedulesArn, deadLetterArn: this.deadLetterArn, deadLetterUrl: this.deadLetterUrl });
    }
}
