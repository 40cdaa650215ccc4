import { DefaultAzureCredential } from "@azure/identity";
import { ServiceBusClient } from "@azure/service-bus";
import { type BlobStore, ConfigError, requireInteger, requireJson, requireString, type Env, type Logger } from "../runtime";
import { blobStoreFromEnv } from "./blob-store";
import { type CosmosContainerLike, CosmosWorkerStore } from "./cosmos-store";
import { createFrontEndHandler, type FrontEndQueue, type FrontEndTopic, type SenderLike } from "./front-end-handler";
import { cosmosContainerFromEnv } from "./worker-setup";

/** A send target's entry: name, entity and sessions, with optional levels (each a name and an entity). */
const validTarget = (q: Partial<FrontEndQueue> | null) =>
    typeof q?.name === "string" && typeof q.entity === "string" && typeof q.sessions === "boolean" &&
    (q.levels === undefined || (Array.isArray(q.levels) && q.levels.every((l) => typeof l?.name === "string" && typeof l.entity === "string")));

/**
 * QUEUESTACK_QUEUES, checked: `[{ "name", "entity", "sessions", "levels"?: [{ "name", "entity" }],
 * "defaultLevel"?, "maxDelaySeconds"?, "groupKey"?, "deduplication"?, "deduplicationKey"?, "maxMessageBytes"? }]`, at least one.
 */
export function readQueues(env: Env): FrontEndQueue[] {
    const value = requireJson(env, "QUEUESTACK_QUEUES", 'the queues the front end sends to, [{"name": "...", "entity": "...", "sessions": false}]');
    if (!Array.isArray(value) || value.length === 0 || !value.every(validTarget)) {
        throw new ConfigError(`QUEUESTACK_QUEUES must be a non-empty JSON array of { "name": string, "entity": string, "sessions": boolean, "levels"?: [{ "name": string, "entity": string }] } (got ${JSON.stringify(value)}).`);
    }
    return value as FrontEndQueue[];
}

/** QUEUESTACK_TOPICS, checked: `[{ "name", "entity", "sessions", "maxMessageBytes"? }]`; none when unset. */
export function readTopics(env: Env): FrontEndTopic[] {
    if (!env.QUEUESTACK_TOPICS) return [];
    const value = requireJson(env, "QUEUESTACK_TOPICS", 'the fan-out topics the front end publishes to, [{"name": "...", "entity": "...", "sessions": false}]');
    if (!Array.isArray(value) || !value.every(validTarget)) {
        throw new ConfigError(`QUEUESTACK_TOPICS must be a JSON array of { "name": string, "entity": string, "sessions": boolean } (got ${JSON.stringify(value)}).`);
    }
    return value as FrontEndTopic[];
}

/** QUEUESTACK_API_KEY, which App Service fills from Key Vault; an unresolved reference is refused. */
function readApiKey(env: Env): string {
    const key = requireString(env, "QUEUESTACK_API_KEY", "the API key callers send as x-api-key (a Key Vault reference)");
    if (key.startsWith("@Microsoft.KeyVault(")) {
        throw new ConfigError("QUEUESTACK_API_KEY is an unresolved Key Vault reference: give the app's identity the Key Vault Secrets User role on the secret, then restart the app.");
    }
    return key;
}

/**
 * Reads the front end's environment and builds the handler. Service Bus and Cosmos DB are reached
 * with the managed identity; job status reads the job records the workers write, in the container
 * named by QUEUESTACK_COSMOS_ENDPOINT, _DATABASE and _CONTAINER (components/azure sets them and
 * grants the app read access to that container); without QUEUESTACK_COSMOS_ENDPOINT it answers
 * 501. Bodies over a queue's limit go to the claim-check container at QUEUESTACK_LARGE_MESSAGES_URL
 * (none: 413), up to QUEUESTACK_LARGE_MESSAGE_MAX_BYTES; QUEUESTACK_TOPICS lists fan-out topics; QUEUESTACK_MAX_WAIT_SECONDS bounds waits.
 * Tests pass their own `sender`, `container` and `blobStore`.
 */
export function frontEndFromEnv(env: Env, logger: Logger, sender?: (entity: string) => SenderLike, container?: CosmosContainerLike, blobStore?: BlobStore) {
    const queues = readQueues(env);
    const auth = requireString(env, "QUEUESTACK_AUTH", 'how callers authenticate, "apiKey" or "none" (spec frontEnd.auth)');
    if (auth !== "apiKey" && auth !== "none") throw new ConfigError(`QUEUESTACK_AUTH must be "apiKey" or "none" (got "${auth}"): how callers authenticate (spec frontEnd.auth).`);
    const maxBodyBytes = requireInteger(env, "QUEUESTACK_MAX_BODY_BYTES", "the largest request body accepted (spec frontEnd.maxBodyKb x 1024)", { min: 1, max: 100 * 1024 * 1024 });
    const apiKey = auth === "apiKey" ? readApiKey(env) : undefined;
    let send = sender;
    if (!send) {
        const client = new ServiceBusClient(requireString(env, "QUEUESTACK_SERVICEBUS_NAMESPACE", "the Service Bus namespace, <namespace>.servicebus.windows.net"), new DefaultAzureCredential());
        const senders = new Map<string, SenderLike>();
        send = (entity) => senders.get(entity) ?? senders.set(entity, client.createSender(entity)).get(entity)!;
    }
    const jobs = env.QUEUESTACK_COSMOS_ENDPOINT ? new CosmosWorkerStore({ container: container ?? cosmosContainerFromEnv(env) }) : undefined;
    const maxWaitSeconds = env.QUEUESTACK_MAX_WAIT_SECONDS
        ? requireInteger(env, "QUEUESTACK_MAX_WAIT_SECONDS", "the longest a sender may wait for a result (spec frontEnd.maxWaitSeconds)", { min: 0, max: 25 })
        : 0;
    const store = blobStore ?? blobStoreFromEnv(env);
    const claimCheck = store && {
        store,
        maxBytes: requireInteger(env, "QUEUESTACK_LARGE_MESSAGE_MAX_BYTES", "the largest claim-checked body (spec largeMessages.maxBodyMb x 1 MiB)", { min: 1, max: 100 * 1024 * 1024 }),
    };
    return createFrontEndHandler({ queues, topics: readTopics(env), apiKey, maxBodyBytes, sender: send, jobs, logger, maxWaitSeconds, claimCheck });
}
