import * as pulumi from "@pulumi/pulumi";
import type { CosmosRoleAssignmentQueue } from "./cosmos-role-queue";
import type { WorkerSpec } from "../spec";
import { runtimeEnvironment } from "../worker-environment";

/** The queue a worker consumes, as the worker code needs it. */
export interface ServiceBusQueueRef {
    /** Queue resource id (scope of the worker's receive role). */
    queueId: pulumi.Input<string>;
    /** Physical queue name the trigger or receiver opens. */
    queueName: pulumi.Input<string>;
    /** `<namespace>.servicebus.windows.net` */
    fullyQualifiedNamespace: pulumi.Input<string>;
    /** Sessions on (the queue's `ordering: fifo`). */
    sessions: boolean;
    /** The queue's lock duration, seconds. */
    lockDurationSeconds: number;
    /**
     * Priority levels, highest first, each its own Service Bus queue (`queueLevels(queue)`); the
     * fields above are then the highest level's. @default none: the queue has no priorities
     */
    levels?: ServiceBusLevelRef[];
    /** Seconds a message waits before a VM receiver moves it up one level (spec `priorities.promoteAfterSeconds`). @default 300 */
    promoteAfterSeconds?: number;
}

/** One priority level's Service Bus queue. */
export interface ServiceBusLevelRef {
    /** The level's name (spec `priorities.levels[].name`). */
    level: string;
    /** The level queue's resource id (scope of the receive role). */
    queueId: pulumi.Input<string>;
    /** The level queue's physical name. */
    queueName: pulumi.Input<string>;
    /** The level's share of consumer capacity (spec `priorities.levels[].weight`). */
    weight: number;
}

/** The Cosmos DB container holding results and idempotency records. */
export interface CosmosContainerRef {
    /** Cosmos DB account name. */
    accountName: pulumi.Input<string>;
    /** Account resource id (the data-plane role definitions live under it). */
    accountId: pulumi.Input<string>;
    /** `https://<account>.documents.azure.com:443/` */
    endpoint: pulumi.Input<string>;
    /** SQL database name. */
    databaseName: pulumi.Input<string>;
    /** Container name (the idempotency store workers declare). */
    containerName: pulumi.Input<string>;
    /** `<accountId>/dbs/<db>/colls/<container>` */
    containerScope: pulumi.Input<string>;
    /**
     * Resource id of the account's metadata-only role (Datastore `metadataRoleId`): granted at
     * account scope beside each container grant, for the SDK's account and database metadata reads.
     * @default none: container grants only
     */
    metadataRoleId?: pulumi.Input<string>;
    /**
     * The account's queue of data-plane role assignments (Datastore `roleAssignments`): every grant
     * on the account joins it, so they are created one at a time across the whole stack.
     * @default a queue per ref object (grants made through one ref are still serialised)
     */
    roleAssignments?: CosmosRoleAssignmentQueue;
}

export interface WorkerSettingsArgs {
    /** The worker's validated spec. */
    worker: WorkerSpec;
    /** The queue it consumes. */
    queue: ServiceBusQueueRef;
    /** Its results and idempotency container. */
    datastore: CosmosContainerRef;
    /** Longest one attempt may run, seconds. */
    timeoutSeconds: number;
    /** Days results are kept. */
    resultTtlDays: number;
    /** URL of the claim-check container (LargeMessageStore `containerUrl`). @default none: references fail as dead letters */
    largeMessagesUrl?: pulumi.Input<string>;
}

/**
 * The environment the worker runtime reads on Azure (Function App settings and the scale set's
 * environment file): endpoints and names only, never keys; clients authenticate with the
 * managed identity.
 */
export function workerSettings(s: WorkerSettingsArgs): Record<string, pulumi.Input<string>> {
    return {
        ...runtimeEnvironment({ worker: s.worker, storeName: s.datastore.containerName, timeoutSeconds: s.timeoutSeconds, resultTtlDays: s.resultTtlDays }),
        QUEUESTACK_SERVICEBUS_NAMESPACE: s.queue.fullyQualifiedNamespace,
        QUEUESTACK_QUEUE_NAME: s.queue.queueName,
        QUEUESTACK_QUEUE_SESSIONS: String(s.queue.sessions),
        QUEUESTACK_COSMOS_ENDPOINT: s.datastore.endpoint,
        QUEUESTACK_COSMOS_DATABASE: s.datastore.databaseName,
        QUEUESTACK_COSMOS_CONTAINER: s.datastore.containerName,
        QUEUESTACK_VISIBILITY_TIMEOUT_SECONDS: String(s.queue.lockDurationSeconds),
        QUEUESTACK_CONCURRENCY: String(s.worker.concurrency),
        ...(s.queue.levels ? {
            QUEUESTACK_QUEUE_LEVELS: pulumi.jsonStringify(s.queue.levels.map((l) => ({ name: l.level, entity: l.queueName, weight: l.weight }))),
            QUEUESTACK_PROMOTE_AFTER_SECONDS: String(s.queue.promoteAfterSeconds ?? 300),
        } : {}),
        ...(s.largeMessagesUrl ? { QUEUESTACK_LARGE_MESSAGES_URL: s.largeMessagesUrl } : {}),
    };
}

/** `hh:mm:ss`, the TimeSpan format of host.json settings. */
export function timeSpan(totalSeconds: number): string {
    const pad = (n: number) => String(n).padStart(2, "0");
    return `${pad(Math.floor(totalSeconds / 3600))}:${pad(Math.floor((totalSeconds % 3600) / 60))}:${pad(totalSeconds % 60)}`;
}

/** Per-instance Service Bus trigger concurrency: the Functions default (16), or less when the spec asks for less. */
export function concurrentCallsPerInstance(concurrency: number): number {
    return Math.min(16, concurrency);
}

/**
 * The Functions host's functionTimeout for a Service Bus worker, seconds: twice the worker timeout
 * plus 15 s. An invocation may wait out another delivery's idempotency lease (worker timeout + 5 s)
 * and then run the handler (worker timeout), or run it and then hold the failed delivery before
 * it is abandoned (Service Bus redelivers an abandoned message at once; see workers/azure/hold.ts).
 * Flex Consumption allows any functionTimeout (default 30 min, "Function app timeout duration").
 */
export function functionInvocationSeconds(timeoutSeconds: number): number {
    return 2 * timeoutSeconds + 15;
}

/**
 * host.json overrides for the Service Bus trigger, as app settings: the host settles each message
 * (auto-complete on, as the adapter's trigger registers it: a message is completed when the
 * function returns and abandoned when it throws, so after maxDeliveryCount failures Service Bus
 * dead-letters it), locks are renewed for the whole invocation (attempt and hold), and at most
 * `perInstance` messages (or sessions) run at once per instance. QUEUESTACK_INVOCATION_SECONDS
 * tells the worker the functionTimeout it must finish by.
 */
export function serviceBusHostSettings(perInstance: number, timeoutSeconds: number, sessions: boolean): Record<string, string> {
    const prefix = "AzureFunctionsJobHost__extensions__serviceBus__";
    const invocation = functionInvocationSeconds(timeoutSeconds);
    return {
        [`${prefix}autoCompleteMessages`]: "true",
        [`${prefix}${sessions ? "maxConcurrentSessions" : "maxConcurrentCalls"}`]: String(perInstance),
        [`${prefix}maxAutoLockRenewalDuration`]: timeSpan(invocation),
        [`${prefix}prefetchCount`]: "0",
        AzureFunctionsJobHost__functionTimeout: timeSpan(invocation),
        QUEUESTACK_INVOCATION_SECONDS: String(invocation),
    };
}
