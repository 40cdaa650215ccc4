import * as pulumi from "@pulumi/pulumi";
import type { CloudStackArgs, QueueEndpoints, WebQueueWorkerOutputs } from "../contract";
import { type Spec, consumersOf, validateSpec, visibilityTimeoutSeconds, workerTimeoutSeconds } from "../spec";
import { type AlarmedFunction, Alarms } from "./alarms";
import { RequiredApis, requiredApis } from "./apis";
import { projectNumber } from "./context";
import { Dashboard } from "./dashboard";
import { type GcpCodeSource, bundledGcpCode } from "./entries";
import { Datastore } from "./datastore";
import { FrontEnd } from "./front-end";
import type { DatabaseRef } from "./identity";
import { Network } from "./network";
import { Queue } from "./queue";
import { SourceBucket } from "./source-bucket";
import { FunctionWorker } from "./workers-function";
import { VmWorker } from "./workers-vm";

export interface GcpWebQueueWorkerArgs extends CloudStackArgs {
    /** Where the functions' and VMs' code comes from. @default bundledGcpCode (the workers/gcp adapters with each worker's `code`) */
    code?: GcpCodeSource;
}

/**
 * The whole web-queue-worker stack on Google Cloud from one spec: the project APIs it needs, a Cloud
 * Functions HTTP front end, Pub/Sub topics and subscriptions with dead-letter topics (and their own
 * subscriptions and service-agent grants), Cloud Functions fed by push or managed instance groups
 * scaled on backlog, a Firestore database with TTL, Cloud Monitoring alert policies and a dashboard.
 */
export class GcpWebQueueWorker extends pulumi.ComponentResource implements WebQueueWorkerOutputs {
    readonly spec: Spec;
    readonly frontEndUrl: pulumi.Output<string>;
    readonly queues: Record<string, QueueEndpoints>;
    readonly datastoreName: pulumi.Output<string>;
    readonly alarmTopic: pulumi.Output<string>;
    /** Secret Manager secret holding the front end's API key (auth: apiKey). */
    readonly apiKeySecretId?: pulumi.Output<string>;

    constructor(name: string, args: GcpWebQueueWorkerArgs, opts?: pulumi.ComponentResourceOptions) {
        const spec = validateSpec(args.spec, "gcp");
        super("queuestack:gcp:WebQueueWorker", name, {}, opts);
        this.spec = spec;
        const where = { namePrefix: [spec.name, pulumi.getStack()], labels: { ...spec.tags, "queuestack-stack": spec.name } };
        const apis = new RequiredApis(`${name}-apis`, { services: requiredApis(spec) }, { parent: this });
        const child = { parent: this, dependsOn: [apis] };
        const number = projectNumber(this);
        const code = args.code ?? bundledGcpCode;

        const source = new SourceBucket(`${name}-source`, where, child);
        const datastore = new Datastore(`${name}-datastore`, { ...where, datastore: spec.datastore }, child);
        const database: DatabaseRef = { databaseName: datastore.databaseName, databaseResourceName: datastore.database.id };
        const functions: AlarmedFunction[] = [];
        const network = spec.workers.some((w) => w.kind === "vm") && !spec.network.subnetIds ? new Network(`${name}-network`, where, child) : undefined;
        const subnetworkId = spec.network.subnetIds?.[0] ?? network?.subnetworkId;

        const queues = Object.fromEntries(
            spec.queues.map((q) => {
                const ackDeadlineSeconds = visibilityTimeoutSeconds(spec, q, "gcp");
                const common = (worker: Spec["workers"][number]) => ({
                    ...where,
                    worker,
                    queueName: q.name,
                    database,
                    sourceBucket: source.bucketName,
                    ackDeadlineSeconds,
                    timeoutSeconds: workerTimeoutSeconds(spec, worker),
                    resultTtlDays: spec.datastore.ttlDays,
                    code: (worker.kind === "function" ? code.pushWorker : code.vmPoller)(worker.code),
                });
                // A function consumer is the queue's only consumer (a spec rule): its push settings shape the subscription.
                const pushed = consumersOf(spec, q.name).find((w) => w.kind === "function");
                const fn = pushed && new FunctionWorker(`${name}-${pushed.name}`, { ...common(pushed), projectNumber: number }, child);
                if (pushed && fn) functions.push({ name: pushed.name, functionName: fn.functionName });
                const queue = new Queue(`${name}-${q.name}`, { ...where, queue: q, ackDeadlineSeconds, push: fn?.push, projectNumber: number }, child);
                for (const worker of consumersOf(spec, q.name).filter((w) => w.kind === "vm")) {
                    new VmWorker(`${name}-${worker.name}`, { ...common(worker), subscription: queue, subnetworkId: subnetworkId! }, child);
                }
                return [q.name, queue] as const;
            }),
        );

        const frontEnd = new FrontEnd(
            `${name}-front-end`,
            {
                ...where,
                frontEnd: spec.frontEnd,
                topics: Object.fromEntries(spec.queues.map((q) => [q.name, { topicId: queues[q.name].topicId, topicName: queues[q.name].topic.name, ordered: q.ordering === "fifo" }])),
                database,
                sourceBucket: source.bucketName,
                code: code.frontEnd(),
            },
            child,
        );
        functions.push({ name: "front-end", functionName: frontEnd.function.name });
        const watched = spec.queues.map((q) => ({
            name: q.name,
            subscriptionName: queues[q.name].subscriptionName,
            deadLetterSubscriptionName: queues[q.name].deadLetterSubscriptionName,
        }));
        const alarms = new Alarms(`${name}-alarms`, { ...where, alarms: spec.alarms, queues: watched, functions, projectNumber: number }, child);
        new Dashboard(`${name}-dashboard`, { ...where, queues: watched }, child);

        this.frontEndUrl = frontEnd.url;
        this.queues = Object.fromEntries(
            Object.entries(queues).map(([queueName, q]) => [queueName, { id: q.subscriptionId, deadLetterId: q.deadLetterSubscriptionId }]),
        );
        this.datastoreName = datastore.databaseName;
        this.alarmTopic = alarms.channelId;
        this.apiKeySecretId = frontEnd.apiKeySecretId;
        this.registerOutputs({
            frontEndUrl: this.frontEndUrl,
            queues: this.queues,
            datastoreName: this.datastoreName,
            alarmTopic: this.alarmTopic,
            apiKeySecretId: this.apiKeySecretId,
        });
    }
}
