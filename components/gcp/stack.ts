import * as pulumi from "@pulumi/pulumi";
import type { CloudStackArgs, QueueEndpoints, WebQueueWorkerOutputs } from "../contract";
import { type Spec, largeMessageExpireDays, needsDelayScheduler, validateSpec } from "../spec";
import { type AlarmedFunction, Alarms } from "./alarms";
import { RequiredApis, requiredApis } from "./apis";
import { Dashboard } from "./dashboard";
import { type GcpCodeSource, bundledGcpCode } from "./entries";
import { Datastore } from "./datastore";
import { FrontEnd } from "./front-end";
import type { DatabaseRef } from "./identity";
import { Network } from "./network";
import { DelayScheduler } from "./delay-scheduler";
import { LargeMessageBucket } from "./large-messages";
import { SourceBucket } from "./source-bucket";
import { FunctionBuild } from "./function-build";
import { ServiceAgents } from "./service-agents";
import { type StackQueueContext, deployQueue, deployTopics, deployVmWorkers, frontEndQueue, topicSettings, watchedQueues } from "./stack-queues";
import { checkWorkerCode } from "../worker-code";

export interface GcpWebQueueWorkerArgs extends CloudStackArgs {
    /** Where the functions' and VMs' code comes from. @default bundledGcpCode (the workers/gcp adapters with each worker's `code`) */
    code?: GcpCodeSource;
    /** Keep the Firestore database (and its data) when the stack is destroyed (see DatastoreArgs.keepOnDestroy). @default false */
    keepDatastoreOnDestroy?: boolean;
}

/**
 * The whole web-queue-worker stack on Google Cloud from one spec: the project APIs it needs, a Cloud
 * Functions HTTP front end, Pub/Sub topics and subscriptions with dead-letter topics (and their own
 * subscriptions and service-agent grants) for every priority level, Cloud Functions fed by push
 * or managed instance groups scaled on backlog, fan-out topics with a subscription per subscriber
 * queue, a Cloud Tasks queue for delayed messages, a claim-check bucket for large bodies, a
 * Firestore database with TTL, Cloud Monitoring alert policies and a dashboard. A queue with
 * priorities answers the contract's `queues[name]` with its default level's subscriptions.
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
        checkWorkerCode(spec);
        super("queuestack:gcp:WebQueueWorker", name, {}, opts);
        this.spec = spec;
        const where = { namePrefix: [spec.name, pulumi.getStack()], labels: { ...spec.tags, "queuestack-stack": spec.name }, tracing: spec.tracing };
        const apis = new RequiredApis(`${name}-apis`, { services: requiredApis(spec) }, { parent: this });
        const child = { parent: this, dependsOn: [apis] };
        // The service agents exist before any binding names them (bindings take their member from these).
        const agents = new ServiceAgents(`${name}-service-agents`, child);
        const pubsubAgent = agents.pubsub;
        const code = args.code ?? bundledGcpCode;

        const source = new SourceBucket(`${name}-source`, where, child);
        const build = new FunctionBuild(`${name}-build`, { ...where, sourceBucket: source.bucketName }, child);
        const datastore = new Datastore(`${name}-datastore`, { ...where, datastore: spec.datastore, keepOnDestroy: args.keepDatastoreOnDestroy }, child);
        const database: DatabaseRef = { databaseName: datastore.databaseName, databaseResourceName: datastore.database.id };
        const functions: AlarmedFunction[] = [];
        const network = spec.workers.some((w) => w.kind === "vm") && !spec.network.subnetIds ? new Network(`${name}-network`, where, child) : undefined;
        const subnetworkId = spec.network.subnetIds?.[0] ?? network?.subnetworkId;

        const blobs = spec.largeMessages.enabled
            ? new LargeMessageBucket(`${name}-large-messages`, { ...where, expireDays: largeMessageExpireDays(spec) }, child)
            : undefined;
        const context: StackQueueContext = { name, where, spec, child, database, sourceBucket: source.bucketName, code, pubsubAgent, build, blobBucket: blobs?.bucketName };
        const queues = Object.fromEntries(spec.queues.map((q) => [q.name, deployQueue(context, q, functions)]));
        const topics = deployTopics(context, queues);
        for (const q of Object.values(queues)) deployVmWorkers(context, q, topics, subnetworkId!);
        const delayed = Object.values(queues).filter((q) => needsDelayScheduler(q.spec, "gcp"));
        const delay = delayed.length
            ? new DelayScheduler(`${name}-delay`, { ...where, topics: Object.fromEntries(delayed.flatMap((q) => q.levels.map((d) => [d.level.name, d.queue.topic.name]))) }, child)
            : undefined;

        const frontEnd = new FrontEnd(
            `${name}-front-end`,
            {
                ...where,
                frontEnd: spec.frontEnd,
                queues: Object.fromEntries(Object.entries(queues).map(([queueName, q]) => [queueName, frontEndQueue(q)])),
                topics: Object.fromEntries(Object.entries(topics).map(([topicName, t]) => [topicName, { topicId: t.topicId, topicName: t.topicName, ...topicSettings(spec, topicName) }])),
                delay,
                blobBucket: blobs?.bucketName,
                database,
                sourceBucket: source.bucketName,
                code: code.frontEnd(),
                build,
            },
            child,
        );
        functions.push({ name: "front-end", functionName: frontEnd.function.name });
        const watched = watchedQueues(queues, topics);
        const alarms = new Alarms(`${name}-alarms`, { ...where, alarms: spec.alarms, queues: watched, functions, notificationAgent: agents.monitoringNotification }, child);
        new Dashboard(`${name}-dashboard`, { ...where, queues: watched }, child);

        this.frontEndUrl = frontEnd.url;
        this.queues = Object.fromEntries(
            Object.entries(queues).map(([queueName, q]) => [queueName, { id: q.defaultLevel.queue.subscriptionId, deadLetterId: q.defaultLevel.queue.deadLetterSubscriptionId }]),
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
