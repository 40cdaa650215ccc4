import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as pulumi from "@pulumi/pulumi";
import { type FrontEndSpec, frontEndSchema, parseSpecPart } from "../spec";
import { ApiKeyVault } from "./api-key";
import { type AzurePlacement, placement, placementOf } from "./context";
import { azureNames } from "./names";
import { FunctionApp, hostingOf } from "./function-app";
import { grantContainerAccess } from "./cosmos-access";
import { grantRole } from "./roles";
import { grantLargeMessageAccess, type LargeMessageContainerRef } from "./large-messages";
import type { CosmosContainerRef } from "./worker-settings";

/** A queue the front end may send to. */
export interface FrontEndQueue {
    /** Logical queue name (spec `queues[].name`), as callers address it. */
    name: string;
    /** Queue resource id: the scope of the front end's send role. */
    queueId: pulumi.Input<string>;
    /** Physical queue name the front end sends to. */
    queueName: pulumi.Input<string>;
    /** True for session queues (`ordering: fifo`): messages carry the group key as session id. */
    sessions: boolean;
    /**
     * Priority levels, highest first (`queueLevels(queue)`), each its own Service Bus queue; a sender
     * picks one with `x-priority` / `?priority`. `queueId`/`queueName` above are the default level's.
     * @default none: the queue has no priorities
     */
    levels?: FrontEndQueueLevel[];
    /** The level used when a sender names none (`defaultLevelOf(queue)`). Required with `levels`. */
    defaultLevel?: string;
    /** Longest per-message delay a sender may ask, seconds (spec `maxDelaySeconds`; Service Bus schedules it). @default 0 */
    maxDelaySeconds?: number;
    /** Body path of the group key (spec `groupKey`, e.g. "body.customerId"). @default none: header or query only */
    groupKey?: string;
    /**
     * Duplicate detection of the queue (`deduplicationOf(queue)`). `content`: a message without a
     * sender's deduplication id gets the SHA-256 of its body (and group key) as its message id, so
     * Service Bus drops the same content within the detection window. @default none: random ids
     */
    deduplication?: "content" | "messageId";
    /** Body path of the deduplication id (spec `deduplicationKey`). @default none: header or query only */
    deduplicationKey?: string;
    /** Largest message the queue takes, KiB (spec `maxMessageKb`): larger bodies are claim-checked. @default 256 */
    maxMessageKb?: number;
}

/** One priority level of a front-end queue. */
export interface FrontEndQueueLevel {
    /** The level's name as senders give it (`x-priority: high`). */
    level: string;
    /** The level queue's resource id (scope of the send role). */
    queueId: pulumi.Input<string>;
    /** The level queue's physical name. */
    queueName: pulumi.Input<string>;
}

/** A fan-out topic the front end may publish to. */
export interface FrontEndTopic {
    /** Spec topic name, as callers address it (`POST /api/topics/{name}`). */
    name: string;
    /** Topic resource id: the scope of the front end's send role. */
    topicId: pulumi.Input<string>;
    /** Physical topic name. */
    topicName: pulumi.Input<string>;
    /** The subscribers are FIFO session queues: events need a group key, which becomes their session id. */
    sessions: boolean;
    /** Largest event every subscriber takes, KiB (the smallest subscriber `maxMessageKb`): larger bodies are claim-checked. */
    maxMessageKb: number;
}

export interface FrontEndArgs extends AzurePlacement {
    /** The front-end spec (`auth`, `maxBodyKb`). @default {} (API key auth, 256 KiB) */
    frontEnd?: Partial<FrontEndSpec>;
    /** Queues it enqueues to; the first is the default. */
    queues: FrontEndQueue[];
    /** `<namespace>.servicebus.windows.net` */
    fullyQualifiedNamespace: pulumi.Input<string>;
    /** The zipped Function App (see AzureCodeSource.frontEnd). */
    code: pulumi.Input<pulumi.asset.Archive>;
    /** Application Insights to report to (ResourceGroup outputs). */
    appInsights: { id: pulumi.Input<string>; connectionString: pulumi.Input<string> };
    /** Entra ID tenant (for the API key's vault). */
    tenantId: pulumi.Input<string>;
    /** Makes global names unique (e.g. the resource group id). */
    uniqueScope: pulumi.Input<string>;
    /** Subscription of the built-in role definitions. */
    subscription: pulumi.Input<string>;
    /**
     * The Cosmos DB container of job records (Datastore outputs), for `GET /api/jobs/{id}`: the app
     * gets its QUEUESTACK_COSMOS_* settings and read-only access to that one container.
     * @default none: job status answers 501
     */
    datastore?: CosmosContainerRef;
    /** Fan-out topics it publishes to (`POST /api/topics/{name}`), with Data Sender on each. @default [] */
    topics?: FrontEndTopic[];
    /**
     * The claim-check container (LargeMessageStore outputs): bodies over a queue's limit are stored
     * there (Storage Blob Data Contributor on that container) and the queue carries a reference.
     * @default none: such bodies are refused with 413
     */
    largeMessages?: LargeMessageContainerRef;
    /** Largest body the claim check takes, MiB (spec `largeMessages.maxBodyMb`). @default 10 */
    largeMessageMaxMb?: number;
    /** Most instances. @default 10 */
    maximumInstanceCount?: number;
}

/**
 * The HTTP front end: a Function App with an HTTP trigger that checks the API key (a Key Vault
 * reference, unless `auth: none`), rejects bodies over `maxBodyKb` and sends to its queues (each
 * priority level) and fan-out topics with "Azure Service Bus Data Sender" on each one only.
 * Bodies over a queue's limit go to the claim-check container when there is one. With a datastore it serves job status,
 * reading that one Cosmos DB container with the built-in Data Reader role.
 */
export class FrontEnd extends pulumi.ComponentResource {
    readonly spec: FrontEndSpec;
    readonly functionApp: FunctionApp;
    /** `https://<app>.azurewebsites.net/api/messages` */
    readonly url: pulumi.Output<string>;
    /** The API key (secret), or undefined with `auth: none`. */
    readonly apiKey?: pulumi.Output<string>;

    constructor(name: string, args: FrontEndArgs, opts?: pulumi.ComponentResourceOptions) {
        const spec = parseSpecPart(frontEndSchema, args.frontEnd ?? {}, `front end "${name}"`);
        if (args.queues.length === 0) throw new Error(`front end "${name}": needs at least one queue`);
        super("queuestack:azure:FrontEnd", name, {}, opts);
        this.spec = spec;
        const keyVault = spec.auth === "apiKey"
            ? new ApiKeyVault(`${name}-api-key`, { ...placementOf(args), tenantId: args.tenantId, uniqueScope: args.uniqueScope }, { parent: this })
            : undefined;
        const keyReader = keyVault ? this.keyReader(name, args, keyVault) : undefined;
        const maxBodyBytes = spec.maxBodyKb * 1024;
        const topics = args.topics ?? [];
        this.functionApp = new FunctionApp(`${name}-functions`, {
            ...hostingOf(args),
            role: "front-end",
            memoryMb: 2048,
            maximumInstanceCount: args.maximumInstanceCount ?? 10,
            appSettings: {
                QUEUESTACK_SERVICEBUS_NAMESPACE: args.fullyQualifiedNamespace,
                QUEUESTACK_QUEUES: pulumi.jsonStringify(args.queues.map(queueSetting)),
                ...(topics.length > 0 ? { QUEUESTACK_TOPICS: pulumi.jsonStringify(topics.map((t) => ({ name: t.name, entity: t.topicName, sessions: t.sessions, maxMessageBytes: t.maxMessageKb * 1024 }))) } : {}),
                ...(args.largeMessages ? {
                    QUEUESTACK_LARGE_MESSAGES_URL: args.largeMessages.containerUrl,
                    QUEUESTACK_LARGE_MESSAGE_MAX_BYTES: String((args.largeMessageMaxMb ?? 10) * 1024 * 1024),
                } : {}),
                // Functions' own timeout (Flex: 30 minutes) is far above the longest wait (25 s).
                QUEUESTACK_MAX_WAIT_SECONDS: String(spec.maxWaitSeconds),
                QUEUESTACK_AUTH: spec.auth,
                QUEUESTACK_MAX_BODY_BYTES: String(maxBodyBytes),
                // The host refuses larger bodies before the function runs.
                FUNCTIONS_REQUEST_BODY_SIZE_LIMIT: String(maxBodyBytes),
                ...(args.datastore ? {
                    QUEUESTACK_COSMOS_ENDPOINT: args.datastore.endpoint,
                    QUEUESTACK_COSMOS_DATABASE: args.datastore.databaseName,
                    QUEUESTACK_COSMOS_CONTAINER: args.datastore.containerName,
                } : {}),
                ...(keyVault ? { QUEUESTACK_API_KEY: pulumi.interpolate`@Microsoft.KeyVault(SecretUri=${keyVault.secretUri})` } : {}),
            },
            keyVaultReferenceIdentity: keyReader,
            grants: (principalId) => this.grants(name, args, principalId),
        }, { parent: this });
        if (keyVault) this.apiKey = keyVault.apiKey;
        this.url = pulumi.interpolate`https://${this.functionApp.defaultHostName}/api/messages`;
        this.registerOutputs({ url: this.url });
    }

    /**
     * The identity that resolves the API key's Key Vault reference: user-assigned, so it exists and
     * holds "Key Vault Secrets User" on the one secret before the app is created, and the reference
     * resolves at the app's first start. (A system identity is born with the app, so its grant
     * would land after the first start, and App Service keeps an unresolved reference until it
     * fetches again: https://learn.microsoft.com/azure/app-service/app-service-key-vault-references.)
     */
    private keyReader(name: string, args: FrontEndArgs, keyVault: ApiKeyVault) {
        const at = placement(args, "front-end");
        const identity = new managedidentity.UserAssignedIdentity(`${name}-key-reader`, {
            resourceName: at.name(azureNames.userAssignedIdentity, "front-end", "key-reader"),
            resourceGroupName: at.resourceGroupName,
            location: at.location,
            tags: at.tags,
        }, { parent: this });
        const grant = grantRole(`${name}-read-api-key`, {
            principalId: identity.principalId, role: "keyVaultSecretsUser", scope: keyVault.secretId, subscription: args.subscription,
        }, { parent: this });
        return { id: identity.id, grants: [grant] };
    }

    /** The app's data-plane grants: send on each queue level and topic, claim-check writes, job reads. */
    private grants(name: string, args: FrontEndArgs, principalId: pulumi.Output<string>): pulumi.Resource[] {
        const send = (key: string, scope: pulumi.Input<string>) =>
            grantRole(`${name}-send-${key}`, { principalId, role: "serviceBusDataSender", scope, subscription: args.subscription }, { parent: this });
        const grants: pulumi.Resource[] = args.queues.flatMap((queue) =>
            queue.levels ? queue.levels.map((l) => send(`${queue.name}-${l.level}`, l.queueId)) : [send(queue.name, queue.queueId)]);
        grants.push(...(args.topics ?? []).map((topic) => send(`topic-${topic.name}`, topic.topicId)));
        if (args.largeMessages) {
            grants.push(grantLargeMessageAccess(`${name}-write-large-messages`, { principalId, store: args.largeMessages, access: "write", subscription: args.subscription }, { parent: this }));
        }
        if (args.datastore) {
            grants.push(grantContainerAccess(`${name}-read-jobs`, { principalId, datastore: args.datastore, resourceGroupName: args.resourceGroupName, access: "read" }, { parent: this }));
        }
        return grants;
    }
}

/** A queue's entry in QUEUESTACK_QUEUES: where to send, and the routing rules the handler applies. */
function queueSetting(q: FrontEndQueue) {
    if (q.levels && !q.defaultLevel) throw new Error(`front end queue "${q.name}": levels need a defaultLevel`);
    return {
        name: q.name,
        entity: q.queueName,
        sessions: q.sessions,
        ...(q.levels ? { levels: q.levels.map((l) => ({ name: l.level, entity: l.queueName })), defaultLevel: q.defaultLevel } : {}),
        ...(q.maxDelaySeconds ? { maxDelaySeconds: q.maxDelaySeconds } : {}),
        ...(q.groupKey ? { groupKey: q.groupKey } : {}),
        ...(q.deduplication ? { deduplication: q.deduplication } : {}),
        ...(q.deduplicationKey ? { deduplicationKey: q.deduplicationKey } : {}),
        ...(q.maxMessageKb ? { maxMessageBytes: q.maxMessageKb * 1024 } : {}),
    };
}
