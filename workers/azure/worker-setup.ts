import { CosmosClient } from "@azure/cosmos";
import { DefaultAzureCredential } from "@azure/identity";
import {
    type BlobStore,
    ConfigError,
    createProcessor,
    requireInteger,
    requireJson,
    readRuntimeSettings,
    requireBoolean,
    requireString,
    workerFromModule,
    type Env,
    type Logger,
    type Processor,
    type RuntimeSettings,
} from "../runtime";
import { blobStoreFromEnv } from "./blob-store";
import { type CosmosContainerLike, CosmosWorkerStore } from "./cosmos-store";
import type { PriorityLevel } from "./priority-receiver";
import { messagingSystems } from "../runtime/tracing/semconv";
import { settleSpansFromEnv } from "../runtime/tracing/settle-env";

/** Everything an Azure worker (Function or VM receiver) runs with. */
export interface AzureWorker {
    processor: Processor;
    settings: RuntimeSettings;
    /** `<namespace>.servicebus.windows.net` (QUEUESTACK_SERVICEBUS_NAMESPACE). */
    namespace: string;
    /** The physical queue consumed (QUEUESTACK_QUEUE_NAME). */
    queueName: string;
    /** The queue requires sessions (QUEUESTACK_QUEUE_SESSIONS). */
    sessions: boolean;
    store: CosmosWorkerStore;
    /** Priority levels, highest first (QUEUESTACK_QUEUE_LEVELS; VM receivers only), with the promotion bound. */
    priorities?: { levels: PriorityLevel[]; promoteAfterSeconds: number };
}

/**
 * QUEUESTACK_QUEUE_LEVELS (`[{ "name", "entity", "weight" }]`, highest first, two or more) and
 * QUEUESTACK_PROMOTE_AFTER_SECONDS; undefined when the queue has no levels.
 */
export function readPriorities(env: Env): AzureWorker["priorities"] {
    if (!env.QUEUESTACK_QUEUE_LEVELS) return undefined;
    const value = requireJson(env, "QUEUESTACK_QUEUE_LEVELS", 'the priority level queues, highest first, [{"name": "high", "entity": "...", "weight": 3}, ...]');
    const valid = (l: Partial<PriorityLevel> | null) => typeof l?.name === "string" && typeof l.entity === "string" && Number.isInteger(l.weight) && l.weight! >= 1;
    if (!Array.isArray(value) || value.length < 2 || !value.every(valid)) {
        throw new ConfigError(`QUEUESTACK_QUEUE_LEVELS must be a JSON array of two or more { "name": string, "entity": string, "weight": whole number >= 1 }, highest first (got ${JSON.stringify(value)}).`);
    }
    const promoteAfterSeconds = requireInteger(env, "QUEUESTACK_PROMOTE_AFTER_SECONDS", "seconds a message waits before it moves up a level (spec priorities.promoteAfterSeconds)", { min: 1, max: 86_400 });
    return { levels: value as PriorityLevel[], promoteAfterSeconds };
}

/**
 * The stack's Cosmos DB container (QUEUESTACK_COSMOS_ENDPOINT, _DATABASE, _CONTAINER), reached with
 * the managed identity through DefaultAzureCredential: no account key anywhere.
 */
export function cosmosContainerFromEnv(env: Env): CosmosContainerLike {
    const client = new CosmosClient({
        endpoint: requireString(env, "QUEUESTACK_COSMOS_ENDPOINT", "the Cosmos DB account endpoint, https://<account>.documents.azure.com:443/"),
        aadCredentials: new DefaultAzureCredential(),
    });
    return client
        .database(requireString(env, "QUEUESTACK_COSMOS_DATABASE", "the Cosmos DB database holding job records"))
        .container(requireString(env, "QUEUESTACK_COSMOS_CONTAINER", "the Cosmos DB container holding idempotency keys and job records"));
}

/**
 * Reads the worker environment (Service Bus namespace and queue, the Cosmos DB container and the
 * runtime settings), checks the module's export and builds the processor over the Cosmos DB store.
 * With QUEUESTACK_LARGE_MESSAGES_URL the processor resolves claim-checked bodies from that Blob
 * container before the handler runs. Tests pass their own `container` and `blobStore`.
 */
export function azureWorkerFromEnv(exported: unknown, env: Env, logger: Logger, container?: CosmosContainerLike, blobStore?: BlobStore): AzureWorker {
    const worker = workerFromModule(exported, "The worker module (spec workers[].code)");
    const settings = readRuntimeSettings(env);
    const namespace = requireString(env, "QUEUESTACK_SERVICEBUS_NAMESPACE", "the Service Bus namespace, <namespace>.servicebus.windows.net");
    const queueName = requireString(env, "QUEUESTACK_QUEUE_NAME", "the Service Bus queue this worker consumes");
    const sessions = requireBoolean(env, "QUEUESTACK_QUEUE_SESSIONS", "whether the queue requires sessions (spec queues[].ordering fifo)");
    const store = new CosmosWorkerStore({ container: container ?? cosmosContainerFromEnv(env) });
    const blobs = blobStore ?? blobStoreFromEnv(env);
    const processor = createProcessor({ worker, settings, store, logger, scope: queueName, blobStore: blobs, messagingSystem: messagingSystems.azure, settleSpans: settleSpansFromEnv(env) });
    return { processor, settings, namespace, queueName, sessions, store, priorities: readPriorities(env) };
}
