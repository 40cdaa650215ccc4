import * as authorization from "@pulumi/azure-native/authorization";
import * as pulumi from "@pulumi/pulumi";
import type { CloudStackArgs, QueueEndpoints, WebQueueWorkerOutputs } from "../contract";
import { type Spec, validateSpec, visibilityTimeoutSeconds, workerTimeoutSeconds } from "../spec";
import { Alarms, type WatchedFunction } from "./alarms";
import { type AzureCodeSource, bundledAzureCode } from "./code";
import { Dashboard } from "./dashboard";
import { Datastore } from "./datastore";
import { FrontEnd } from "./front-end";
import { WorkerNetwork } from "./network";
import { Queue } from "./queue";
import { ResourceGroup } from "./resource-group";
import { ServiceBusNamespace } from "./service-bus";
import { FunctionWorker } from "./workers-function";
import { VmWorker } from "./workers-vm";

export interface AzureWebQueueWorkerArgs extends CloudStackArgs {
    /** Where the function and VM code comes from. @default the bundled Azure adapters (workers/azure) */
    code?: AzureCodeSource;
}

/**
 * The whole web-queue-worker stack on Azure from one spec: a Function App front end, Service Bus
 * queues with their dead-letter sub-queues, Function App or VM Scale Set workers, Cosmos DB,
 * Azure Monitor alerts to an action group and a workbook. Every identity is a managed identity
 * with data-plane roles on single resources; no key or connection string is stored anywhere.
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
        super("queuestack:azure:WebQueueWorker", name, {}, opts);
        this.spec = spec;
        const code = args.code ?? bundledAzureCode;
        const child = { parent: this };
        const namePrefix = [spec.name, pulumi.getStack()];
        const tags = { ...spec.tags, "queuestack:stack": spec.name };
        const client = authorization.getClientConfigOutput(child);

        const group = new ResourceGroup(`${name}-group`, { existingName: spec.azure.resourceGroupName, namePrefix, tags }, child);
        const where = { namePrefix, tags, resourceGroupName: group.resourceGroupName, location: group.location };
        const global = { uniqueScope: group.resourceGroupId, subscription: client.subscriptionId };
        const appInsights = { id: group.appInsights.id, connectionString: group.appInsightsConnectionString };

        const bus = new ServiceBusNamespace(`${name}-bus`, { ...where, ...global, tier: spec.azure.serviceBusTier }, child);
        const datastore = new Datastore(`${name}-datastore`, { ...where, ...global, datastore: spec.datastore }, child);
        const queues = Object.fromEntries(spec.queues.map((q) => [q.name, new Queue(`${name}-${q.name}`, {
            ...where, queue: q, namespaceName: bus.namespaceName, lockDurationSeconds: visibilityTimeoutSeconds(spec, q, "azure"),
        }, child)]));
        const queueRef = (queueName: string) => {
            const q = queues[queueName];
            return {
                queueId: q.queueId, queueName: q.queueName, namespaceId: bus.namespaceId, fullyQualifiedNamespace: bus.fullyQualifiedName,
                sessions: q.spec.ordering === "fifo", lockDurationSeconds: q.lockDurationSeconds,
            };
        };
        const cosmos = {
            accountName: datastore.accountName, accountId: datastore.accountId, endpoint: datastore.endpoint,
            databaseName: datastore.databaseName, containerName: datastore.containerName, containerScope: datastore.containerScope,
        };

        const functions: WatchedFunction[] = [];
        const needsNetwork = spec.workers.some((w) => w.kind === "vm") && !spec.network.subnetIds;
        const subnetId = needsNetwork ? new WorkerNetwork(`${name}-network`, where, child).subnetId : spec.network.subnetIds?.[0];
        for (const worker of spec.workers) {
            const common = {
                ...where, ...global, worker, queue: queueRef(worker.queue), datastore: cosmos,
                timeoutSeconds: workerTimeoutSeconds(spec, worker), resultTtlDays: spec.datastore.ttlDays,
            };
            if (worker.kind === "function") {
                const fn = new FunctionWorker(`${name}-${worker.name}`, { ...common, appInsights, code: code.functionWorker(worker.code) }, child);
                functions.push({ name: worker.name, appName: fn.appName });
            } else {
                new VmWorker(`${name}-${worker.name}`, { ...common, subnetId: subnetId!, code: code.vmReceiver(worker.code) }, child);
            }
        }

        const frontEnd = new FrontEnd(`${name}-front-end`, {
            ...where, ...global, appInsights, frontEnd: spec.frontEnd, tenantId: client.tenantId, code: code.frontEnd(),
            fullyQualifiedNamespace: bus.fullyQualifiedName, datastore: cosmos,
            queues: spec.queues.map((q) => ({ name: q.name, queueId: queues[q.name].queueId, queueName: queues[q.name].queueName, sessions: q.ordering === "fifo" })),
        }, child);
        const watched = spec.queues.map((q) => ({ name: q.name, namespaceId: bus.namespaceId, queueName: queues[q.name].queueName }));
        const alarms = new Alarms(`${name}-alarms`, { ...where, alarms: spec.alarms, queues: watched, functions, appInsightsId: group.appInsights.id }, child);
        new Dashboard(`${name}-dashboard`, { ...where, namespaceId: bus.namespaceId, queues: watched, functions, appInsightsId: group.appInsights.id }, child);

        this.frontEndUrl = frontEnd.url;
        this.queues = Object.fromEntries(Object.entries(queues).map(([queueName, q]) => [queueName, { id: q.queueId, deadLetterId: q.deadLetterPath }]));
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
