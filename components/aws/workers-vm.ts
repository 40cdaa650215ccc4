import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { bundleWorkerFile, workerEntries } from "../build/bundle";
import { deployedRuntimes } from "../runtimes";
import { type WorkerSpec, type WorkerSpecInput, parseSpecPart, workerSchema } from "../spec";
import { workerPaths, workerServiceScript } from "../vm/worker-service";
import { type AwsPlacement, placement } from "./context";
import { consumeActions, leastPrivilegeRole, logActions, logStreamsArn, tableActions } from "./iam";
import { logRetentionDays } from "./lambda";
import { awsNames } from "./names";
import type { BucketRef, QueueRef, TableRef } from "./refs";
import { idempotencyStoreKey } from "../declarations";
import { consumedQueueArns, readLargeMessages, workerEnvironment } from "./worker-environment";

/** EC2 instance type per spec instanceSize. */
export const awsInstanceTypes = { small: "t3.small", medium: "t3.medium", large: "t3.large" } as const;
/**
 * Shell commands installing `deployedRuntimes.vm` from Amazon Linux 2023's own repository, where
 * Node.js majors are namespaced packages (`nodejs24`, binary `/usr/bin/node-24`):
 * https://docs.aws.amazon.com/linux/al2023/ug/nodejs.html
 */
export const al2023Node = {
    install: `dnf install -y nodejs${deployedRuntimes.vm.nodeMajor}`,
    command: `/usr/bin/node-${deployedRuntimes.vm.nodeMajor}`,
} as const;
/** Where the worker's output goes on an instance, for the CloudWatch agent to ship. */
export const workerLogFile = "/var/log/queuestack/worker.log";

/**
 * Boot step that ships `workerLogFile` to `logGroupName` with the CloudWatch agent from Amazon
 * Linux 2023's repository (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/install-CloudWatch-Agent-commandline-fileset-first.html),
 * one stream per instance id. Joined with `&&`: the step runs where `set -e` does not hold.
 */
export function cloudWatchLogsStep(logGroupName: string): string {
    const config = JSON.stringify({
        agent: { run_as_user: "root" },
        logs: { logs_collected: { files: { collect_list: [{ file_path: workerLogFile, log_group_name: logGroupName, log_stream_name: "{instance_id}" }] } } },
    });
    const file = "/opt/aws/amazon-cloudwatch-agent/etc/queuestack.json";
    return [
        "dnf install -y amazon-cloudwatch-agent logrotate",
        `printf '%s' '${config}' > ${file}`,
        `/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:${file}`,
    ].join(" &&\n");
}

/**
 * What Session Manager needs on the instance, and nothing more: the agent registers itself and
 * opens the session channels (AWS's own minimal Session Manager instance policy,
 * https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSCloud9SSMInstanceProfile.html).
 * These actions take no resource ARN, so `*` is the only scope.
 */
export const sessionManagerActions = ["ssm:UpdateInstanceInformation", "ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"];

/** Latest Amazon Linux 2023, resolved by EC2 at launch (no AMI lookup at deploy time). */
export const amazonLinuxImage = "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";

export interface VmWorkerArgs extends AwsPlacement {
    /** The worker's spec (`kind: vm`): size, scaling, concurrency. */
    worker: WorkerSpecInput | WorkerSpec;
    /** The queue it consumes; with `levels`, every level by weight (QUEUESTACK_QUEUE_LEVELS), promoting old messages. */
    queue: QueueRef;
    /** The table for results and idempotency records. */
    table: TableRef;
    /** Private subnets (one per availability zone) with routes to SQS, DynamoDB and S3. */
    subnetIds: pulumi.Input<string>[];
    /** The VPC of those subnets. */
    vpcId: pulumi.Input<string>;
    /** Bucket the worker bundle is uploaded to. */
    artifactBucket: { bucketName: pulumi.Input<string>; bucketArn: pulumi.Input<string> };
    /** Per-message timeout. @default worker.timeoutSeconds, else 30 */
    timeoutSeconds?: number;
    /** The queue's visibility timeout (the poller extends it for long work). */
    visibilityTimeoutSeconds: number;
    /** Days results are kept. @default 30 */
    resultTtlDays?: number;
    /** Bucket of claim-checked bodies, read before the handler runs. @default undefined (no claim check) */
    largeMessages?: BucketRef;
}

/**
 * VM workers on AWS: an Auto Scaling group of Amazon Linux instances in private subnets (no
 * public IP, no inbound rules, IMDSv2 only, encrypted disk) running the worker as a systemd
 * service, scaled by target tracking on backlog per instance (visible messages / in-service
 * instances, over every priority level), from zero. With priority levels the poller consumes
 * every level by weight and serves messages that waited too long with the top level's weight
 * (workers/aws/level-planner.ts); it never sends, so the role has no sqs:SendMessage.
 *
 * The bundle is uploaded as a file asset (its path and hash in Pulumi's state, not the code) under
 * a key holding its hash, so a code change is a new launch template version and the group's
 * instance refresh rolls it out. The boot script retries the Node.js install and the download
 * with backoff; a boot that still fails stops the instance, which the group's EC2 health check
 * then counts as unhealthy and replaces.
 *
 * The worker's output goes to `workerLogFile`, which the CloudWatch agent ships to the worker's
 * log group `/queuestack/<prefix>-<worker>-vm` (30 days' retention), and an operator reaches an
 * instance with Session Manager (`aws ssm start-session --target <instance id>`): no SSH, no
 * inbound rule. Both go through the network's interface endpoints (logs, ssm, ssmmessages).
 */
export class VmWorker extends pulumi.ComponentResource {
    readonly group: aws.autoscaling.Group;
    readonly launchTemplate: aws.ec2.LaunchTemplate;
    readonly role: aws.iam.Role;
    /** Where the instances ship the worker's output (CloudWatch agent, one stream per instance id). */
    readonly logGroup: aws.cloudwatch.LogGroup;
    readonly groupName: pulumi.Output<string>;

    constructor(name: string, args: VmWorkerArgs, opts?: pulumi.ComponentResourceOptions) {
        const worker = parseSpecPart(workerSchema, args.worker, `VM worker "${name}"`);
        super("queuestack:aws:VmWorker", name, {}, opts);
        const { name: physical, globalName, tags } = placement(args, "worker");
        const parent = { parent: this };
        const timeoutSeconds = args.timeoutSeconds ?? worker.timeoutSeconds ?? 30;
        const region = aws.getRegionOutput({}, parent).region;

        const bundle = pulumi.output(bundleWorkerFile({ entry: workerEntries.awsVmPoller, handlerModule: worker.code }));
        const code = new aws.s3.BucketObjectv2(
            `${name}-code`,
            {
                bucket: args.artifactBucket.bucketName,
                key: pulumi.interpolate`workers/${worker.name}/${bundle.sha256}.js`,
                source: bundle.path.apply((file) => new pulumi.asset.FileAsset(file)),
                contentType: "application/javascript",
                tags,
            },
            parent,
        );
        const codeArn = pulumi.interpolate`${args.artifactBucket.bucketArn}/${code.key}`;
        // Log groups are regional: the stack's prefix and the worker name make it unique.
        this.logGroup = new aws.cloudwatch.LogGroup(
            `${name}-logs`,
            { name: `/queuestack/${physical(awsNames.logGroup, worker.name, "vm")}`, retentionInDays: logRetentionDays, tags },
            parent,
        );
        const { role, policy } = leastPrivilegeRole(
            `${name}-role`,
            {
                name: globalName(this, awsNames.iamRole, worker.name, "vm"),
                service: "ec2.amazonaws.com",
                statements: [
                    { sid: "ConsumeOwnQueue", actions: consumeActions, resources: consumedQueueArns(args.queue) },
                    { sid: "WriteOwnTable", actions: tableActions, resources: [args.table.tableArn] },
                    { sid: "ReadOwnCode", actions: ["s3:GetObject"], resources: [codeArn] },
                    { sid: "ShipOwnLogs", actions: logActions, resources: [logStreamsArn(this.logGroup.arn)] },
                    { sid: "SessionManager", actions: sessionManagerActions, resources: ["*"] },
                    ...readLargeMessages(args.largeMessages),
                ],
                tags,
            },
            parent,
        );
        this.role = role;
        const profile = new aws.iam.InstanceProfile(`${name}-profile`, { role: role.name, tags }, parent);
        const securityGroup = new aws.ec2.SecurityGroup(
            `${name}-sg`,
            {
                vpcId: args.vpcId,
                description: "queuestack VM workers: no inbound access, HTTPS out to AWS endpoints",
                egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], description: "HTTPS to AWS APIs" }],
                tags,
            },
            parent,
        );
        const environment = pulumi.all([workerEnvironment({ worker, queue: args.queue, table: args.table, timeoutSeconds, visibilityTimeoutSeconds: args.visibilityTimeoutSeconds, resultTtlDays: args.resultTtlDays ?? 30, largeMessages: args.largeMessages }), region]).apply(
            ([env, awsRegion]) => ({ ...env, AWS_REGION: awsRegion, QUEUESTACK_CONCURRENCY: String(worker.concurrency) }),
        );
        const userData = pulumi.all([environment, args.artifactBucket.bucketName, code.key, this.logGroup.name]).apply(([env, bucket, key, logGroupName]) =>
            Buffer.from(
                workerServiceScript({
                    installNode: al2023Node.install,
                    nodeCommand: al2023Node.command,
                    fetchBundle: `aws s3 cp s3://${bucket}/${key} ${workerPaths.bundle}`,
                    // A stopped instance fails the group's EC2 health check and is replaced:
                    // https://docs.aws.amazon.com/autoscaling/ec2/userguide/health-checks-overview.html
                    onBootFailure: "shutdown -h now",
                    environment: env,
                    stopTimeoutSeconds: timeoutSeconds + 30,
                    logFile: workerLogFile,
                    shipLogs: cloudWatchLogsStep(logGroupName),
                }),
            ).toString("base64"),
        );
        this.launchTemplate = new aws.ec2.LaunchTemplate(
            `${name}-template`,
            {
                name: physical(awsNames.launchTemplate, worker.name),
                imageId: amazonLinuxImage,
                instanceType: awsInstanceTypes[worker.instanceSize],
                iamInstanceProfile: { arn: profile.arn },
                metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
                networkInterfaces: [{ associatePublicIpAddress: "false", deleteOnTermination: "true", securityGroups: [securityGroup.id] }],
                blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 8, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } }],
                userData,
                updateDefaultVersion: true,
                tagSpecifications: [{ resourceType: "instance", tags }],
                tags,
            },
            // Instances launched before the role's policy exists would boot without the right to fetch their code.
            { parent: this, dependsOn: [policy] },
        );
        const groupName = physical(awsNames.autoscalingGroup, worker.name);
        const drainSeconds = timeoutSeconds + 30;
        this.group = new aws.autoscaling.Group(
            `${name}-group`,
            {
                name: groupName,
                minSize: worker.scaling.min,
                maxSize: worker.scaling.max,
                vpcZoneIdentifiers: args.subnetIds,
                launchTemplate: { id: this.launchTemplate.id, version: "$Latest" },
                healthCheckType: "EC2",
                defaultInstanceWarmup: 120,
                enabledMetrics: ["GroupInServiceInstances", "GroupDesiredCapacity"],
                metricsGranularity: "1Minute",
                instanceRefresh: { strategy: "Rolling", preferences: { minHealthyPercentage: 50 } },
                // Scale-in waits for the poller to drain (workers/aws/scale-in.ts): the hook holds a
                // terminating instance for the drain window, then lets it go (CONTINUE).
                // https://docs.aws.amazon.com/autoscaling/ec2/userguide/lifecycle-hooks.html
                initialLifecycleHooks: [
                    { name: scaleInHookName, lifecycleTransition: "autoscaling:EC2_INSTANCE_TERMINATING", defaultResult: "CONTINUE", heartbeatTimeout: drainSeconds },
                ],
                tags: [
                    ...Object.entries(tags).map(([key, value]) => ({ key, value, propagateAtLaunch: true })),
                    ...(worker.idempotency.enabled ? [{ key: idempotencyStoreKey, value: args.table.tableName, propagateAtLaunch: false }] : []),
                ],
            },
            parent,
        );
        const queueNames = args.queue.levels?.map((l) => l.queueName) ?? [args.queue.queueName];
        this.scaleFromZero(name, queueNames, groupName);
        new aws.autoscaling.Policy(
            `${name}-backlog-scaling`,
            {
                autoscalingGroupName: this.group.name,
                policyType: "TargetTrackingScaling",
                targetTrackingConfiguration: {
                    targetValue: worker.scaling.backlogPerWorker,
                    customizedMetricSpecification: { metrics: backlogPerInstanceMetrics(queueNames, groupName) },
                },
            },
            parent,
        );
        this.groupName = this.group.name;
        this.registerOutputs({ groupName: this.groupName });
    }

    /**
     * The safety net for 0 -> 1: target tracking scales in proportion to current capacity and has
     * no data while a group is empty, so a step scaling policy adds one instance when messages wait
     * and none is in service (the pattern of AWS's scale-to-zero guidance for SQS workers); target
     * tracking takes over from there.
     */
    private scaleFromZero(name: string, queueNames: pulumi.Input<string>[], groupName: string): void {
        const parent = { parent: this };
        const policy = new aws.autoscaling.Policy(
            `${name}-scale-from-zero`,
            {
                autoscalingGroupName: this.group.name,
                policyType: "StepScaling",
                adjustmentType: "ChangeInCapacity",
                stepAdjustments: [{ metricIntervalLowerBound: "0", scalingAdjustment: 1 }],
            },
            parent,
        );
        const metrics = backlogPerInstanceMetrics(queueNames, groupName).flatMap((m) => ("metricStat" in m ? [m] : []));
        const total = metrics.filter((m) => m.id !== "m2").map((m) => m.id).join(" + ");
        new aws.cloudwatch.MetricAlarm(
            `${name}-work-waiting-no-instance`,
            {
                alarmDescription: `Messages wait for VM worker group ${groupName} while no instance is in service: start one.`,
                comparisonOperator: "GreaterThanOrEqualToThreshold",
                threshold: 1,
                evaluationPeriods: 1,
                treatMissingData: "notBreaching",
                metricQueries: [
                    ...metrics.map(({ id, label, metricStat: { metric, stat } }) => ({
                        id,
                        label,
                        returnData: false,
                        metric: { namespace: metric.namespace, metricName: metric.metricName, dimensions: Object.fromEntries(metric.dimensions.map((d) => [d.name, d.value])), stat, period: 60 },
                    })),
                    { id: "e1", label: "Work waiting, no instance", expression: `IF(FILL(m2, 0) < 1 AND (${total}) > 0, 1, 0)`, returnData: true },
                ],
                alarmActions: [policy.arn],
            },
            parent,
        );
    }
}

/** Name of the termination lifecycle hook the VM poller drains under. */
export const scaleInHookName = "queuestack-drain";

/**
 * Metric math for backlog per instance: m1 = visible messages (Sum; with priority levels q1..qN,
 * one per level, added up), m2 = in-service instances (Average), e1 = visible / m2, or visible
 * itself while no instance runs, so the group can scale out from zero.
 */
export function backlogPerInstanceMetrics(queueNames: pulumi.Input<string>[], groupName: string) {
    const visible = (id: string, queueName: pulumi.Input<string>, label: string) => ({
        id,
        label,
        metricStat: { metric: { namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", dimensions: [{ name: "QueueName", value: queueName }] }, stat: "Sum" },
        returnData: false,
    });
    const queues = queueNames.length === 1 ? [visible("m1", queueNames[0]!, "Visible messages")] : queueNames.map((q, i) => visible(`q${i + 1}`, q, `Visible messages, level ${i + 1}`));
    const total = queues.length === 1 ? "m1" : `(${queues.map((q) => q.id).join(" + ")})`;
    return [
        ...queues,
        {
            id: "m2",
            label: "In-service instances",
            metricStat: { metric: { namespace: "AWS/AutoScaling", metricName: "GroupInServiceInstances", dimensions: [{ name: "AutoScalingGroupName", value: groupName }] }, stat: "Average" },
            returnData: false,
        },
        { id: "e1", label: "Backlog per instance", expression: `IF(m2 > 0, ${total} / m2, ${total})`, returnData: true },
    ];
}
