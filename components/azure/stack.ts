import * as authorization from "@pulumi/azure-native/authorization";
import * as pulumi from "@pulumi/pulumi";
import type { CloudStackArgs, QueueEndpoints, WebQueueWorkerOutputs } from "../contract";
import {
    type Spec, deduplicationOf, defaultLevelOf, defaultQueueLevel, largeMessageExpireDays, queueLevels, queueOf, topicMaxMessageKb, topicOrdering, validateSpec, visibilityTimeoutSeconds, workerTimeoutSeconds,
} from "../spec";
import { Alarms, type WatchedFunction } from "./alarms";
import { type AzureCodeSource, bundledAzureCode } from "./code";
import { Dashboard } from "./dashboard";
import { Datastore } from "./datastore";
import { FrontEnd } from "./front-end";
import { WorkerNetwork } from "./network";
import { Queue } from "./queue";
import { LargeMessageStore } from "./large-messages";
import { ResourceGroup } from "./resource-group";
import { ServiceBusNamespace } from "./service-bus";
import { Topic } from "./topic";
import { FunctionWorker } from "./workers-function";
import { VmWorker } from "./workers-vm";
import { checkWorkerCode } from "../worker-code";

export interface AzureWebQueueWorkerArgs extends CloudStackArgs {
    /** Where the function and VM code comes from. @default the bundled Azure adapters (workers/azure) */
    code?: AzureCodeSource;
}

/**
 * The whole web-queue-worker stack on Azure from one spec: a Function App front end, Service Bus
 * queues with their dead-letter sub-queues, Function App or VM Scale Set workers, Cosmos DB,
 * Azure Monitor alerts to an action group and a workbook. Every identity is a managed identity
 * with data-plane roles on single resources; no key or connection string is stored anywhere.
 * Queue patterns: a Service Bus queue per priority level, a topic per fan-out topic forwarding to
 * each subscriber's default level, and a Blob container for claim-checked bodies; delays use
 * Service Bus scheduled messages, groups and dedup use sessions and duplicate detection.
 */
export class AzureWebQueueWorker extends pulumi.ComponentResource implements WebQueueWorkerOutputs {
    readonly spec: Spec;
    readonly frontEndUrl: pulumi.Output<string>;
    readonly queues: Record<string, QueueEndpoints>;
    readonly datastoreName: pulumi.Output<string>;
    readonly alarmTopic: pulumi.Output<string>;
    readonly resourceGroupName: pulumi.Output<string>;
    /** The front end's API key (secret), with `auth: apiKey`. */
    readonly apiKey?: pulumi.Output<string>;

    constructor(name: string, args: AzureWebQueueWorkerArgs, opts?: pulumi.ComponentResourceOptions) {
        const spec = validateSpec(args.spec, "azure");
        checkWorkerCode(spec);
        super("queuestack:azure:WebQueueWorker", name, {}, opts);
        this.spec = spec;
        const code = args.code ?? bundledAzureCode;
        const child = { parent: this };
        const namePrefix = [spec.name, pulumi.getStack()];
        const tags = { ...spec.tags, "queuestack:stack": spec.name };
        const client = authorization.getClientConfigOutput(child);

        const group = new ResourceGroup(`${name}-group`, { existingName: spec.azure.resourceGroupName, namePrefix, tags }, child);
        const where = { namePrefix, tags, resourceGroupName: group.resourceGroupName, location: group.location, tracing: spec.tracing };
        const global = { uniqueScope: group.resourceGroupId, subscription: client.subscriptionId };
        const appInsights = { id: group.appInsights.id, connectionString: group.appInsightsConnectionString };

        const bus = new ServiceBusNamespace(`${name}-bus`, { ...where, ...global, tier: spec.azure.serviceBusTier }, child);
        const datastore = new Datastore(`${name}-datastore`, { ...where, ...global, datastore: spec.datastore }, child);
        const queues = Object.fromEntries(spec.queues.flatMap((q) => queueLevels(q).map((level) => [level.name, new Queue(`${name}-${level.name}`, {
            ...where, queue: q, level, namespaceName: bus.namespaceName, lockDurationSeconds: visibilityTimeoutSeconds(spec, q, "azure"),
        }, child)])));
        /** The physical queue a sender reaches with no level named: the queue's default level. */
        const defaultQueue = (q: Spec["queues"][number]) => queues[defaultQueueLevel(q).name];
        const levelRefs = (q: Spec["queues"][number]) =>
            q.priorities ? queueLevels(q).map((l) => ({ level: l.level!, queueId: queues[l.name].queueId, queueName: queues[l.name].queueName, weight: l.weight })) : undefined;
        const queueRef = (worker: Spec["workers"][number]) => {
            const q = queueOf(spec, worker);
            const top = queues[queueLevels(q)[0].name];
            return {
                queueId: top.queueId, queueName: top.queueName, namespaceId: bus.namespaceId, fullyQualifiedNamespace: bus.fullyQualifiedName,
                sessions: q.ordering === "fifo", lockDurationSeconds: top.lockDurationSeconds,
                levels: levelRefs(q), promoteAfterSeconds: q.priorities?.promoteAfterSeconds,
            };
        };
        const topics = spec.topics.map((t) => new Topic(`${name}-topic-${t.name}`, {
            ...where, topic: t, namespaceName: bus.namespaceName, ordered: topicOrdering(spec, t) === "fifo",
            subscribers: t.subscribers.map((queueName) => {
                const q = spec.queues.find((candidate) => candidate.name === queueName)!;
                return { name: queueName, queueName: defaultQueue(q).queueName, maxDeliveryCount: q.maxReceiveCount, retentionDays: q.retentionDays };
            }),
        }, child));
        const largeMessages = spec.largeMessages.enabled
            ? new LargeMessageStore(`${name}-large-messages`, { ...where, uniqueScope: global.uniqueScope, expireDays: largeMessageExpireDays(spec) }, child)
            : undefined;
        const cosmos = {
            accountName: datastore.accountName, accountId: datastore.accountId, endpoint: datastore.endpoint,
            databaseName: datastore.databaseName, containerName: datastore.containerName, containerScope: datastore.containerScope,
            metadataRoleId: datastore.metadataRoleId,
            // One queue for every grant on the account: front end and every worker.
            roleAssignments: datastore.roleAssignments,
        };

        const functions: WatchedFunction[] = [];
        const needsNetwork = spec.workers.some((w) => w.kind === "vm") && !spec.network.subnetIds;
        const subnetId = needsNetwork ? new WorkerNetwork(`${name}-network`, where, child).subnetId : spec.network.subnetIds?.[0];
        for (const worker of spec.workers) {
            const common = {
                ...where, ...global, worker, queue: queueRef(worker), datastore: cosmos,
                timeoutSeconds: workerTimeoutSeconds(spec, worker), resultTtlDays: spec.datastore.ttlDays, largeMessages,
            };
            if (worker.kind === "function") {
                const fn = new FunctionWorker(`${name}-${worker.name}`, { ...common, appInsights, code: code.functionWorker(worker.code) }, child);
                fn.apps.forEach((a) => functions.push({ name: a.level ? `${worker.name}-${a.level}` : worker.name, appName: a.app.appName }));
            } else {
                new VmWorker(`${name}-${worker.name}`, { ...common, subnetId: subnetId!, code: code.vmReceiver(worker.code) }, child);
            }
        }

        const frontEnd = new FrontEnd(`${name}-front-end`, {
            ...where, ...global, appInsights, frontEnd: spec.frontEnd, tenantId: client.tenantId, code: code.frontEnd(),
            fullyQualifiedNamespace: bus.fullyQualifiedName, datastore: cosmos, largeMessages, largeMessageMaxMb: spec.largeMessages.maxBodyMb,
            queues: spec.queues.map((q) => ({
                name: q.name, queueId: defaultQueue(q).queueId, queueName: defaultQueue(q).queueName, sessions: q.ordering === "fifo",
                levels: levelRefs(q), defaultLevel: defaultLevelOf(q), maxDelaySeconds: q.maxDelaySeconds,
                groupKey: q.groupKey, deduplication: deduplicationOf(q), deduplicationKey: q.deduplicationKey, maxMessageKb: q.maxMessageKb,
            })),
            topics: spec.topics.map((t, i) => ({
                name: t.name, topicId: topics[i].topicId, topicName: topics[i].topicName, sessions: topicOrdering(spec, t) === "fifo",
                maxMessageKb: topicMaxMessageKb(spec, t),
            })),
        }, child);
        // Every physical queue, and each topic (its subscriptions' dead letters are reported under the topic's name).
        const watched = [
            ...Object.entries(queues).map(([queueName, q]) => ({ name: queueName, namespaceId: bus.namespaceId, queueName: q.queueName })),
            ...spec.topics.map((t, i) => ({ name: `topic-${t.name}`, namespaceId: bus.namespaceId, queueName: topics[i].topicName })),
        ];
        const alarms = new Alarms(`${name}-alarms`, { ...where, alarms: spec.alarms, queues: watched, functions, appInsightsId: group.appInsights.id }, child);
        new Dashboard(`${name}-dashboard`, { ...where, namespaceId: bus.namespaceId, queues: watched, functions, appInsightsId: group.appInsights.id }, child);

        this.frontEndUrl = frontEnd.url;
        // By spec queue name, as on every target; a queue with priorities answers with its default level.
        this.queues = Object.fromEntries(spec.queues.map((q) => [q.name, { id: defaultQueue(q).queueId, deadLetterId: defaultQueue(q).deadLetterPath }]));
        this.datastoreName = datastore.containerName;
        this.alarmTopic = alarms.actionGroupId;
        this.resourceGroupName = group.resourceGroupName;
        this.apiKey = frontEnd.apiKey;
        this.registerOutputs({
            frontEndUrl: this.frontEndUrl,
            queues: this.queues,
            datastoreName: this.datastoreName,
            alarmTopic: this.alarmTopic,
            resourceGroupName: this.resourceGroupName,
        });
    }
}
