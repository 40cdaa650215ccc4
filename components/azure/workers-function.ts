import * as pulumi from "@pulumi/pulumi";
import { type WorkerSpec, type WorkerSpecInput, parseSpecPart, workerSchema } from "../spec";
import type { AzurePlacement } from "./context";
import { grantContainerAccess } from "./cosmos-access";
import { FunctionApp, hostingOf } from "./function-app";
import { grantRole } from "./roles";
import {
    type CosmosContainerRef,
    type ServiceBusQueueRef,
    concurrentCallsPerInstance,
    serviceBusHostSettings,
    workerSettings,
} from "./worker-settings";

export interface FunctionWorkerArgs extends AzurePlacement {
    /** The worker's spec (`kind: function`; validated, defaults applied). */
    worker: WorkerSpecInput | WorkerSpec;
    /** The Service Bus queue it consumes (Queue + ServiceBusNamespace outputs). */
    queue: ServiceBusQueueRef;
    /** The Cosmos DB container for results and idempotency records (Datastore outputs). */
    datastore: CosmosContainerRef;
    /** Longest one invocation may run, seconds. @default the worker's timeoutSeconds, else the queue's lock duration */
    timeoutSeconds?: number;
    /** Days results are kept (spec `datastore.ttlDays`). @default 30 */
    resultTtlDays?: number;
    /** The zipped Function App (see AzureCodeSource.functionWorker). */
    code: pulumi.Input<pulumi.asset.Archive>;
    /** Application Insights to report to (ResourceGroup outputs). */
    appInsights: { id: pulumi.Input<string>; connectionString: pulumi.Input<string> };
    /** Makes global names unique (e.g. the resource group id). */
    uniqueScope: pulumi.Input<string>;
    /** Subscription of the built-in role definitions. */
    subscription: pulumi.Input<string>;
}

/**
 * Function workers: a Flex Consumption Function App whose Service Bus trigger completes a message
 * when the function returns and abandons it when it throws (auto-complete on, locks renewed for
 * the whole attempt; Service Bus dead-letters after maxDeliveryCount), with a managed identity
 * that may only receive from its one queue and read/write its one Cosmos container.
 */
export class FunctionWorker extends pulumi.ComponentResource {
    readonly spec: WorkerSpec;
    readonly functionApp: FunctionApp;
    readonly appName: pulumi.Output<string>;
    readonly appId: pulumi.Output<string>;
    readonly principalId: pulumi.Output<string>;

    constructor(name: string, args: FunctionWorkerArgs, opts?: pulumi.ComponentResourceOptions) {
        const spec = parseSpecPart(workerSchema, args.worker, `worker "${name}"`);
        super("queuestack:azure:FunctionWorker", name, {}, opts);
        this.spec = spec;
        const timeoutSeconds = args.timeoutSeconds ?? spec.timeoutSeconds ?? args.queue.lockDurationSeconds;
        const perInstance = concurrentCallsPerInstance(spec.concurrency);
        this.functionApp = new FunctionApp(`${name}-functions`, {
            ...hostingOf(args),
            role: `worker-${spec.name}`,
            memoryMb: spec.memoryMb,
            maximumInstanceCount: Math.max(1, Math.ceil(spec.concurrency / perInstance)),
            appSettings: {
                ...workerSettings({ worker: spec, queue: args.queue, datastore: args.datastore, timeoutSeconds, resultTtlDays: args.resultTtlDays ?? 30 }),
                ...serviceBusHostSettings(perInstance, timeoutSeconds, args.queue.sessions),
                ServiceBusConnection__fullyQualifiedNamespace: args.queue.fullyQualifiedNamespace,
            },
        }, { parent: this });
        this.principalId = this.functionApp.principalId;
        grantRole(`${name}-receive`, {
            principalId: this.principalId,
            role: "serviceBusDataReceiver",
            scope: args.queue.queueId,
            subscription: args.subscription,
        }, { parent: this });
        grantContainerAccess(`${name}-results`, { principalId: this.principalId, datastore: args.datastore, resourceGroupName: args.resourceGroupName }, { parent: this });
        this.appName = this.functionApp.appName;
        this.appId = this.functionApp.appId;
        this.registerOutputs({ appName: this.appName, appId: this.appId, principalId: this.principalId });
    }
}
