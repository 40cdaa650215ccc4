import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { CloudStackArgs, QueueEndpoints, WebQueueWorkerOutputs } from "../contract";
import {
    type Spec,
    defaultLevelOf,
    largeMessageExpireDays,
    needsDelayScheduler,
    queueLevels,
    queueOf,
    topicOrdering,
    topicsFeeding,
    validateSpec,
    visibilityTimeoutSeconds,
    workerTimeoutSeconds,
} from "../spec";
import { Alarms, type WatchedFunction } from "./alarms";
import { ArtifactBucket } from "./artifacts";
import { Dashboard } from "./dashboard";
import { Datastore } from "./datastore";
import { DelayScheduler } from "./delay-scheduler";
import { FrontEnd, type FrontEndQueue } from "./front-end";
import { LargeMessageBucket } from "./large-messages";
import { Network } from "./network";
import { Queue } from "./queue";
import type { QueueRef } from "./refs";
import { Topic } from "./topic";
import { VmWorker } from "./workers-vm";
import { FunctionWorker } from "./workers-function";
import { checkWorkerCode } from "../worker-code";

/**
 * The whole web-queue-worker stack on AWS from one spec: API Gateway + Lambda front end, SQS
 * queues with dead-letter queues (one pair per priority level), Lambda or EC2 Auto Scaling workers,
 * a DynamoDB datastore, CloudWatch alarms to SNS and a dashboard; with the queue patterns, SNS
 * fan-out topics, an EventBridge Scheduler group for long delays and an S3 claim-check bucket.
 */
export class AwsWebQueueWorker extends pulumi.ComponentResource implements WebQueueWorkerOutputs {
    readonly spec: Spec;
    readonly frontEndUrl: pulumi.Output<string>;
    readonly queues: Record<string, QueueEndpoints>;
    readonly datastoreName: pulumi.Output<string>;
    readonly alarmTopic: pulumi.Output<string>;
    /** ARN of the Secrets Manager secret holding the front end's API key (auth: apiKey). */
    readonly apiKeySecretArn?: pulumi.Output<string>;
    /** The same ARN under the name every cloud's stack reports it by (stack output `apiKeySecret`). */
    readonly apiKeySecret?: pulumi.Output<string>;
    /** URL of the delay schedules' dead-letter queue (queues with maxDelaySeconds over 900): Scheduler's dead-letter events, not jobs. */
    readonly delayDeadLetterUrl?: pulumi.Output<string>;

    constructor(name: string, args: CloudStackArgs, opts?: pulumi.ComponentResourceOptions) {
        const spec = validateSpec(args.spec, "aws");
        checkWorkerCode(spec);
        super("queuestack:aws:WebQueueWorker", name, {}, opts);
        this.spec = spec;
        const where = { namePrefix: [spec.name, pulumi.getStack()], tags: { ...spec.tags, "queuestack:stack": spec.name }, tracing: spec.tracing };
        const child = { parent: this };

        const datastore = new Datastore(`${name}-datastore`, { ...where, datastore: spec.datastore }, child);
        const table = { tableName: datastore.tableName, tableArn: datastore.tableArn };
        const topics = Object.fromEntries(
            spec.topics.map((t) => [t.name, new Topic(`${name}-${t.name}`, { ...where, topic: t, fifo: topicOrdering(spec, t) === "fifo" }, child)]),
        );
        const queues = Object.fromEntries(
            spec.queues.map((q) => [
                q.name,
                new Queue(
                    `${name}-${q.name}`,
                    {
                        ...where,
                        queue: q,
                        visibilityTimeoutSeconds: visibilityTimeoutSeconds(spec, q, "aws"),
                        topics: topicsFeeding(spec, q.name).map((t) => ({ name: t.name, arn: topics[t.name]!.arn })),
                    },
                    child,
                ),
            ]),
        );
        const largeMessages = spec.largeMessages.enabled
            ? new LargeMessageBucket(`${name}-large-messages`, { ...where, expireDays: largeMessageExpireDays(spec) }, child)
            : undefined;
        const delayed = spec.queues.filter((q) => needsDelayScheduler(q, "aws"));
        const delayScheduler = delayed.length > 0
            ? new DelayScheduler(`${name}-delays`, { ...where, targets: delayed.flatMap((q) => queues[q.name]!.levels.map((l) => ({ arn: l.arn }))) }, child)
            : undefined;
        const queueRef = (queueName: string): QueueRef => {
            const q = queues[queueName]!;
            return { url: q.url, arn: q.arn, queueName: q.queueName, ...(q.spec.priorities ? { levels: q.levels, promoteAfterSeconds: q.spec.priorities.promoteAfterSeconds } : {}) };
        };

        const functions: WatchedFunction[] = [];
        const vmWorkers = spec.workers.filter((w) => w.kind === "vm");
        const vmPlacement = vmWorkers.length > 0 ? this.vmPlacement(name, spec, where) : undefined;
        for (const worker of spec.workers) {
            const common = {
                ...where,
                worker,
                queue: queueRef(worker.queue),
                largeMessages,
                table,
                timeoutSeconds: workerTimeoutSeconds(spec, worker),
                visibilityTimeoutSeconds: visibilityTimeoutSeconds(spec, queueOf(spec, worker), "aws"),
                resultTtlDays: spec.datastore.ttlDays,
            };
            if (worker.kind === "function") {
                const fn = new FunctionWorker(`${name}-${worker.name}`, common, child);
                functions.push({ name: worker.name, functionName: fn.functionName });
            } else {
                new VmWorker(`${name}-${worker.name}`, { ...common, ...vmPlacement! }, child);
            }
        }

        const frontEndQueue = (q: Spec["queues"][number]): FrontEndQueue => ({
            ...queueRef(q.name),
            fifo: q.ordering === "fifo",
            defaultLevel: defaultLevelOf(q),
            maxDelaySeconds: q.maxDelaySeconds,
            groupKey: q.groupKey,
            deduplicationKey: q.deduplicationKey,
            maxMessageKb: q.maxMessageKb,
        });
        const frontEnd = new FrontEnd(
            `${name}-front-end`,
            {
                ...where,
                frontEnd: spec.frontEnd,
                queues: Object.fromEntries(spec.queues.map((q) => [q.name, frontEndQueue(q)])),
                topics: Object.fromEntries(Object.entries(topics).map(([topicName, t]) => [topicName, { arn: t.arn, fifo: t.fifo }])),
                delayScheduler,
                largeMessages,
                table,
            },
            child,
        );
        // Every level is watched on its own: a backlog or dead letters on one level must not hide behind another's.
        const watched = spec.queues.flatMap((q) =>
            queueLevels(q).map((level, i) => ({ name: level.name, queueName: queues[q.name]!.levels[i]!.queueName, deadLetterName: queues[q.name]!.levels[i]!.deadLetterName })),
        );
        const alarms = new Alarms(
            `${name}-alarms`,
            { ...where, alarms: spec.alarms, queues: watched, functions, ...(delayScheduler ? { scheduleDeadLetterName: delayScheduler.deadLetterName } : {}) },
            child,
        );
        new Dashboard(`${name}-dashboard`, { ...where, queues: watched, functions }, child);

        this.frontEndUrl = frontEnd.url;
        this.queues = Object.fromEntries(Object.entries(queues).map(([queueName, q]) => [queueName, { id: q.url, deadLetterId: q.deadLetterUrl }]));
        this.datastoreName = datastore.tableName;
        this.alarmTopic = alarms.topicArn;
        this.apiKeySecretArn = frontEnd.apiKeySecretArn;
        this.apiKeySecret = frontEnd.apiKeySecretArn;
        this.delayDeadLetterUrl = delayScheduler?.deadLetterUrl;
        this.registerOutputs({
            delayDeadLetterUrl: this.delayDeadLetterUrl,
            frontEndUrl: this.frontEndUrl,
            queues: this.queues,
            datastoreName: this.datastoreName,
            alarmTopic: this.alarmTopic,
            apiKeySecretArn: this.apiKeySecretArn,
        });
    }

    /** Subnets (the spec's, or a new private network) and the code bucket shared by VM workers. */
    private vmPlacement(name: string, spec: Spec, where: { namePrefix: string[]; tags: Record<string, string> }) {
        const artifacts = new ArtifactBucket(`${name}-artifacts`, where, { parent: this });
        const artifactBucket = { bucketName: artifacts.bucketName, bucketArn: artifacts.bucketArn };
        if (spec.network.subnetIds) return { subnetIds: spec.network.subnetIds, vpcId: vpcOf(spec.network.subnetIds[0], this), artifactBucket };
        const network = new Network(`${name}-network`, where, { parent: this });
        return { subnetIds: network.subnetIds, vpcId: network.vpcId, artifactBucket };
    }
}

/** The VPC an existing subnet belongs to. */
function vpcOf(subnetId: string, parent: pulumi.Resource): pulumi.Output<string> {
    return aws.ec2.getSubnetOutput({ id: subnetId }, { parent }).vpcId;
}
