import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { S3Client } from "@aws-sdk/client-s3";
import { SchedulerClient } from "@aws-sdk/client-scheduler";
import { SNSClient } from "@aws-sdk/client-sns";
import { SQSClient } from "@aws-sdk/client-sqs";
import { ConfigError, requireInteger, requireString, type Env, type Logger } from "../runtime";
import { DynamoDbWorkerStore } from "./dynamodb-store";
import { readQueues, readTopics, withRoutesFile } from "./front-end-config";
import { createFrontEndHandler } from "./front-end-handler";
import { S3BlobStore } from "./s3-blob-store";

export { readQueues, readTopics, withRoutesFile } from "./front-end-config";

/** Clients for the front end; tests pass their own (e.g. pointed at moto). Each defaults to one for the Lambda's region. */
export interface FrontEndClients {
    sqs?: SQSClient;
    dynamodb?: DynamoDBClient;
    secrets?: SecretsManagerClient;
    /** Publishes to fan-out topics (QUEUESTACK_TOPICS). */
    sns?: SNSClient;
    /** Creates delay schedules (QUEUESTACK_SCHEDULE_GROUP). */
    scheduler?: SchedulerClient;
    /** Stores claim-checked bodies (QUEUESTACK_BLOB_BUCKET). */
    s3?: S3Client;
}

/**
 * Reads the front end's environment and builds the handler. With QUEUESTACK_AUTH=apiKey the key is
 * read from Secrets Manager (QUEUESTACK_API_KEY_SECRET_ARN) on first use and cached; a failed read
 * is retried on the next request. Optional: QUEUESTACK_TOPICS (fan-out topics), QUEUESTACK_MAX_WAIT_SECONDS
 * (request-response, default 0), QUEUESTACK_SCHEDULE_GROUP + QUEUESTACK_SCHEDULER_ROLE_ARN +
 * QUEUESTACK_SCHEDULER_DEAD_LETTER_ARN (delays beyond 900 s) and QUEUESTACK_BLOB_BUCKET (claim check). With QUEUESTACK_ROUTES_FILE, QUEUESTACK_QUEUES
 * and QUEUESTACK_TOPICS come from that file (withRoutesFile), as the deployed function has them.
 */
export function frontEndFromEnv(deployed: Env, logger: Logger, clients: FrontEndClients = {}) {
    const env = withRoutesFile(deployed);
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
    const topics = readTopics(env);
    const maxWaitSeconds = env.QUEUESTACK_MAX_WAIT_SECONDS === undefined ? 0 : requireInteger(env, "QUEUESTACK_MAX_WAIT_SECONDS", "the longest a sender may wait for results (spec frontEnd.maxWaitSeconds)", { min: 0, max: 25 });
    const groupName = env.QUEUESTACK_SCHEDULE_GROUP;
    const scheduler = groupName === undefined ? undefined : {
        client: clients.scheduler ?? new SchedulerClient({}),
        groupName,
        roleArn: requireString(env, "QUEUESTACK_SCHEDULER_ROLE_ARN", "the role delay schedules send with"),
        deadLetterArn: requireString(env, "QUEUESTACK_SCHEDULER_DEAD_LETTER_ARN", "the standard SQS queue delay schedules dead-letter to"),
    };
    const bucket = env.QUEUESTACK_BLOB_BUCKET;
    return createFrontEndHandler({
        queues,
        topics,
        apiKey,
        maxBodyBytes,
        maxWaitSeconds,
        sqs: clients.sqs ?? new SQSClient({}),
        sns: Object.keys(topics).length > 0 ? (clients.sns ?? new SNSClient({})) : undefined,
        scheduler,
        blobStore: bucket === undefined ? undefined : new S3BlobStore({ client: clients.s3 ?? new S3Client({}), bucket }),
        jobs: new DynamoDbWorkerStore({ client: clients.dynamodb ?? new DynamoDBClient({}), tableName }),
        logger,
    });
}
