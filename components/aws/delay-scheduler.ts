import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type AwsPlacement, placement } from "./context";
import { leastPrivilegeRole } from "./iam";
import { awsNames } from "./names";

/** A queue delayed messages are delivered to. */
export interface DelayTarget {
    /** ARN of the queue (or priority level) the schedule sends to. */
    arn: pulumi.Input<string>;
    /** ARN of its dead-letter queue: where the schedule's undeliverable sends go. */
    deadLetterArn: pulumi.Input<string>;
}

export interface DelaySchedulerArgs extends AwsPlacement {
    /** Every queue level whose spec queue takes delays beyond SQS's 900 s (needsDelayScheduler). */
    targets: DelayTarget[];
}

/**
 * Long delays on AWS: an EventBridge Scheduler schedule group the front end creates one-time
 * `at(...)` schedules in (deleted after they run), and the role those schedules send with. The
 * role trusts scheduler.amazonaws.com for this account only and may only send to the target
 * queues and their DLQs (a schedule's dead-letter config delivers with the same role).
 */
export class DelayScheduler extends pulumi.ComponentResource {
    readonly group: aws.scheduler.ScheduleGroup;
    readonly role: aws.iam.Role;
    readonly groupName: pulumi.Output<string>;
    readonly roleArn: pulumi.Output<string>;
    /** ARN pattern of the group's schedules, `arn:aws:scheduler:<region>:<account>:schedule/<group>/*` (scopes CreateSchedule). */
    readonly schedulesArn: pulumi.Output<string>;

    constructor(name: string, args: DelaySchedulerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("queuestack:aws:DelayScheduler", name, {}, opts);
        const { name: physical, globalName, tags } = placement(args, "delay-scheduler");
        const parent = { parent: this };
        const account = aws.getCallerIdentityOutput({}, parent).accountId;
        const partition = aws.getPartitionOutput({}, parent).partition;
        const region = aws.getRegionOutput({}, parent).region;
        this.group = new aws.scheduler.ScheduleGroup(`${name}-group`, { name: physical(awsNames.scheduleGroup, "delays"), tags }, parent);
        const { role } = leastPrivilegeRole(
            `${name}-role`,
            {
                name: globalName(this, awsNames.iamRole, "delays"),
                service: "scheduler.amazonaws.com",
                trustCondition: { StringEquals: { "aws:SourceAccount": account } },
                statements: [{ sid: "SendDueMessages", actions: ["sqs:SendMessage"], resources: args.targets.flatMap((t) => [t.arn, t.deadLetterArn]) }],
                tags,
            },
            parent,
        );
        this.role = role;
        this.groupName = this.group.name;
        this.roleArn = role.arn;
        this.schedulesArn = pulumi.interpolate`arn:${partition}:scheduler:${region}:${account}:schedule/${this.group.name}/*`;
        this.registerOutputs({ groupName: this.groupName, roleArn: this.roleArn, schedulesArn: this.schedulesArn });
    }
}
