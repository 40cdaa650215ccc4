import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SQSClient } from "@aws-sdk/client-sqs";
import { ConfigError, requireInteger, requireJson, requireString, type Env, type Logger } from "../runtime";
import { DynamoDbWorkerStore } from "./dynamodb-store";
import { createFrontEndHandler, type FrontEndQueue } from "./front-end-handler";

/** Clients for the front end; tests pass their own (e.g. pointed at moto). */
export interface FrontEndClients {
    sqs?: SQSClient;
    dynamodb?: DynamoDBClient;
    secrets?: SecretsManagerClient;
}

/** QUEUESTACK_QUEUES, checked: `{ "<name>": { "url": "...", "fifo": false } }`. */
export function readQueues(env: Env): Record<string, FrontEndQueue> {
    const value = requireJson(env, "QUEUESTACK_QUEUES", 'the queues the front end enqueues to, {"<name>": {"url": "...", "fifo": false}}');
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
        throw new ConfigError(`QUEUESTACK_QUEUES must be a JSON object of queue name -> { url, fifo } (got ${JSON.stringify(value)}).`);
    }
    for (const [name, queue] of Object.entries(value)) {
        const q = queue as Partial<FrontEndQueue> | null;
        if (typeof q?.url !== "string" || typeof q.fifo !== "boolean") {
            throw new ConfigError(`QUEUESTACK_QUEUES.${name} must be { "url": string, "fifo": boolean } (got ${JSON.stringify(queue)}).`);
        }
    }
    return value as Record<string, FrontEndQueue>;
}

/**
 * Reads the front end's environment and builds the handler. With QUEUESTACK_AUTH=apiKey the key is
 * read from Secrets Manager (QUEUESTACK_API_KEY_SECRET_ARN) on first use and cached; a failed read
 * is retried on the next request.
 */
export function frontEndFromEnv(env: Env, logger: Logger, clients: FrontEndClients = {}) {
    const queues = readQueues(env);
    const auth = requireString(env, "QUEUESTACK_AUTH", 'how callers authenticate, "apiKey" or "none" (spec frontEnd.auth)');
    if (auth !== "apiKey" && auth !== "none") {
        throw new ConfigError(`QUEUESTACK_AUTH must be "apiKey" or "none" (got "${auth}"): how callers authenticate (spec frontEnd.auth).`);
    }
    const maxBodyBytes = requireInteger(env, "QUEUESTACK_MAX_BODY_BYTES", "the largest request body accepted (spec frontEnd.maxBodyKb x 1024)", { min: 1, max: 10 * 1024 * 1024 });
    const tableName = requireString(env, "QUEUESTACK_TABLE_NAME", "the DynamoDB table holding job records");
    let apiKey: (() => Promise<string>) | undefined;
    if (auth === "apiKey") {
        const secretArn = requireString(env, "QUEUESTACK_API_KEY_SECRET_ARN", "the Secrets Manager secret holding the API key");
        const secrets = clients.secrets ?? new SecretsManagerClient({});
        let cached: Promise<string> | undefined;
        apiKey = () => {
            cached ??= secrets.send(new GetSecretValueCommand({ SecretId: secretArn })).then((out) => {
                if (!out.SecretString) throw new Error(`secret ${secretArn} has no SecretString`);
                return out.SecretString;
            });
            cached.catch(() => (cached = undefined));
            return cached;
        };
    }
    return createFrontEndHandler({
        queues,
        apiKey,
        maxBodyBytes,
        sqs: clients.sqs ?? new SQSClient({}),
        jobs: new DynamoDbWorkerStore({ client: clients.dynamodb ?? new DynamoDBClient({}), tableName }),
        logger,
    });
}
