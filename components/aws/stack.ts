import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { CloudStackArgs, QueueEndpoints, WebQueueWorkerOutputs } from "../contract";
import { type Spec, queueOf, validateSpec, visibilityTimeoutSeconds, workerTimeoutSeconds } from "../spec";
import { Alarms, type WatchedFunction } from "./alarms";
import { ArtifactBucket } from "./artifacts";
import { Dashboard } from "./dashboard";
import { Datastore } from "./datastore";
import { FrontEnd } from "./front-end";
import { Network } from "./network";
import { Queue } from "./queue";
import { VmWorker } from "./workers-vm";
import { FunctionWorker } from "./workers-function";

/**
 * The whole web-queue-worker stack on AWS from one spec: API Gateway + Lambda front end, SQS
 * queues with dead-letter queues, Lambda or EC2 Auto Scaling workers, a DynamoDB datastore,
 * CloudWatch alarms to SNS and a dashboard.
 */
export class AwsWebQueueWorker extends pulumi.ComponentResource implements WebQueueWorkerOutputs {
    readonly spec: Spec;
    readonly frontEndUrl: pulumi.Output<string>;
    readonly queues: Record<string, QueueEndpoints>;
    readonly datastoreName: pulumi.Output<string>;
    readonly alarmTopic: pulumi.Output<string>;
    /** ARN of the Secrets Manager secret holding the front end's API key (auth: apiKey). */
    readonly apiKeySecretArn?: pulumi.Output<string>;

    constructor(name: string, args: CloudStackArgs, opts?: pulumi.ComponentResourceOptions) {
        const spec = validateSpec(args.spec, "aws");
        super("queuestack:aws:WebQueueWorker", name, {}, opts);
        this.spec = spec;
        const where = { namePrefix: [spec.name, pulumi.getStack()], tags: { ...spec.tags, "queuestack:stack": spec.name } };
        const child = { parent: this };

        const datastore = new Datastore(`${name}-datastore`, { ...where, datastore: spec.datastore }, child);
        const table = { tableName: datastore.tableName, tableArn: datastore.tableArn };
        const queues = Object.fromEntries(
            spec.queues.map((q) => [
                q.name,
                new Queue(`${name}-${q.name}`, { ...where, queue: q, visibilityTimeoutSeconds: visibilityTimeoutSeconds(spec, q, "aws") }, child),
            ]),
        );

        const functions: WatchedFunction[] = [];
        const vmWorkers = spec.workers.filter((w) => w.kind === "vm");
        const vmPlacement = vmWorkers.length > 0 ? this.vmPlacement(name, spec, where) : undefined;
        for (const worker of spec.workers) {
            const queue = queues[worker.queue];
            const common = {
                ...where,
                worker,
                queue,
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

        const frontEnd = new FrontEnd(
            `${name}-front-end`,
            {
                ...where,
                frontEnd: spec.frontEnd,
                queues: Object.fromEntries(spec.queues.map((q) => [q.name, { url: queues[q.name].url, arn: queues[q.name].arn, fifo: q.ordering === "fifo" }])),
                table,
            },
            child,
        );
        const watched = spec.queues.map((q) => ({ name: q.name, queueName: queues[q.name].queueName, deadLetterName: queues[q.name].deadLetterName }));
        const alarms = new Alarms(`${name}-alarms`, { ...where, alarms: spec.alarms, queues: watched, functions }, child);
        new Dashboard(`${name}-dashboard`, { ...where, queues: watched, functions }, child);

        this.frontEndUrl = frontEnd.url;
        this.queues = Object.fromEntries(Object.entries(queues).map(([queueName, q]) => [queueName, { id: q.url, deadLetterId: q.deadLetterUrl }]));
        this.datastoreName = datastore.tableName;
        this.alarmTopic = alarms.topicArn;
        this.apiKeySecretArn = frontEnd.apiKeySecretArn;
        this.registerOutputs({
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
