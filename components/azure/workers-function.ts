import * as pulumi from "@pulumi/pulumi";
import { type WorkerSpec, type WorkerSpecInput, levelShares, parseSpecPart, workerSchema } from "../spec";
import { idempotencyStoreKey } from "../declarations";
import type { AzurePlacement } from "./context";
import { grantContainerAccess } from "./cosmos-access";
import { FunctionApp, hostingOf } from "./function-app";
import { grantLargeMessageAccess, type LargeMessageContainerRef } from "./large-messages";
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
    /** The claim-check container (LargeMessageStore outputs), read with Storage Blob Data Reader. @default none */
    largeMessages?: LargeMessageContainerRef;
}

/**
 * Function workers: a Flex Consumption Function App whose Service Bus trigger completes a message
 * when the function returns and abandons it when it throws (auto-complete on, locks renewed for
 * the whole attempt; Service Bus dead-letters after maxDeliveryCount), with a managed identity
 * that holds Service Bus Data Owner on its one queue only (receive, and read the queue's runtime
 * properties for target-based scaling) and reads/writes its one Cosmos container.
 *
 * Priority levels: one app per level, each with one trigger on its level's queue and
 * `levelShares(concurrency, levels)` of the worker's concurrency. The Functions host's concurrency
 * settings (`extensions.serviceBus.maxConcurrentCalls`) and Flex's `maximumInstanceCount` are
 * app-wide, so an app per level is what bounds each level on its own: maxConcurrentCalls =
 * min(16, share) per instance, instances = ceil(share / that). No level waits for another, so
 * function workers need no promotion.
 */
export class FunctionWorker extends pulumi.ComponentResource {
    readonly spec: WorkerSpec;
    /** One app per priority level, highest first (one app without priorities). */
    readonly apps: { level?: string; app: FunctionApp; concurrency: number }[];
    /** The first (highest level's) app: the only one without priorities. */
    readonly functionApp: FunctionApp;
    readonly appName: pulumi.Output<string>;
    readonly appId: pulumi.Output<string>;
    readonly principalId: pulumi.Output<string>;

    constructor(name: string, args: FunctionWorkerArgs, opts?: pulumi.ComponentResourceOptions) {
        const spec = parseSpecPart(workerSchema, args.worker, `worker "${name}"`);
        super("queuestack:azure:FunctionWorker", name, {}, opts);
        this.spec = spec;
        const levels = args.queue.levels;
        const shares = levels ? levelShares(spec.concurrency, levels) : [spec.concurrency];
        const targets = levels
            ? levels.map((l, i) => ({ level: l.level, queue: { ...args.queue, queueId: l.queueId, queueName: l.queueName, levels: undefined }, concurrency: shares[i] }))
            : [{ level: undefined, queue: args.queue, concurrency: spec.concurrency }];
        this.apps = targets.map((target) => ({ ...target, app: this.levelApp(target.level ? `${name}-${target.level}` : name, args, spec, target) }));
        this.functionApp = this.apps[0].app;
        this.principalId = this.functionApp.principalId;
        this.appName = this.functionApp.appName;
        this.appId = this.functionApp.appId;
        this.registerOutputs({ appName: this.appName, appId: this.appId, principalId: this.principalId });
    }

    /** One Function App consuming one queue (a level's) with `concurrency` calls at most, and its grants. */
    private levelApp(name: string, args: FunctionWorkerArgs, spec: WorkerSpec, target: { level?: string; queue: ServiceBusQueueRef; concurrency: number }): FunctionApp {
        const timeoutSeconds = args.timeoutSeconds ?? spec.timeoutSeconds ?? target.queue.lockDurationSeconds;
        const perInstance = concurrentCallsPerInstance(target.concurrency);
        const app = new FunctionApp(`${name}-functions`, {
            ...hostingOf(args),
            role: target.level ? `worker-${spec.name}-${target.level}` : `worker-${spec.name}`,
            memoryMb: spec.memoryMb,
            maximumInstanceCount: Math.max(1, Math.ceil(target.concurrency / perInstance)),
            appSettings: {
                ...workerSettings({
                    worker: { ...spec, concurrency: target.concurrency }, queue: target.queue, datastore: args.datastore, timeoutSeconds,
                    resultTtlDays: args.resultTtlDays ?? 30, largeMessagesUrl: args.largeMessages?.containerUrl,
                }),
                ...serviceBusHostSettings(perInstance, timeoutSeconds, target.queue.sessions),
                ServiceBusConnection__fullyQualifiedNamespace: target.queue.fullyQualifiedNamespace,
            },
            declarations: { [idempotencyStoreKey]: args.datastore.containerName },
            // The trigger starts receiving as soon as the app starts: its grants come first.
            grants: (principalId) => [
                // Data Owner, not Data Receiver, scoped to the one queue: the trigger's target-based
                // scaling reads the queue's runtime properties (message count), which takes the Manage
                // right. Without it the Service Bus extension logs "does not have Manage claim ...
                // Falling back to using first message enqueued time" and reports a message count of 0
                // (ServiceBusMetricsProvider in Azure/azure-sdk-for-net), so Flex scales on a wrong
                // length. Microsoft lists Data Receiver and Data Owner for the trigger
                // (azure-docs includes/functions-service-bus-permissions.md); only Data Owner has Manage.
                grantRole(`${name}-receive`, { principalId, role: "serviceBusDataOwner", scope: target.queue.queueId, subscription: args.subscription }, { parent: this }),
                grantContainerAccess(`${name}-results`, { principalId, datastore: args.datastore, resourceGroupName: args.resourceGroupName }, { parent: this }),
                ...(args.largeMessages
                    ? [grantLargeMessageAccess(`${name}-read-large-messages`, { principalId, store: args.largeMessages, access: "read", subscription: args.subscription }, { parent: this })]
                    : []),
            ],
        }, { parent: this });
        return app;
    }
}
