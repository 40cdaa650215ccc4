import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import {
    createProcessor,
    readRuntimeSettings,
    requireString,
    workerFromModule,
    type Env,
    type Logger,
    type Processor,
    type RuntimeSettings,
} from "../runtime";
import { DynamoDbWorkerStore } from "./dynamodb-store";
import { type QueueLevels, readQueueLevels } from "./queue-levels";
import { S3BlobStore } from "./s3-blob-store";
import { queueNameOf } from "./sqs-message";
import { messagingSystems } from "../runtime/tracing/semconv";
import { settleSpansFromEnv } from "../runtime/tracing/settle-env";

/** Everything an AWS worker (Lambda or VM) runs with. */
export interface AwsWorker {
    processor: Processor;
    settings: RuntimeSettings;
    /** The queue's URL (the default level's with priorities); scopes idempotency keys. */
    queueUrl: string;
    /** The priority levels (QUEUESTACK_QUEUE_LEVELS), undefined without priorities. */
    levels?: QueueLevels;
    sqs: SQSClient;
    store: DynamoDbWorkerStore;
    /** The claim-check store (QUEUESTACK_BLOB_BUCKET), undefined when the claim check is off. */
    blobStore?: S3BlobStore;
}

/** Clients for the worker; tests pass their own (e.g. pointed at moto). */
export interface AwsClients {
    sqs?: SQSClient;
    dynamodb?: DynamoDBClient;
    /** Reads claim-checked bodies. */
    s3?: S3Client;
}

/**
 * Reads the worker environment (QUEUESTACK_QUEUE_URL, QUEUESTACK_TABLE_NAME, the runtime settings,
 * and when set QUEUESTACK_QUEUE_LEVELS and QUEUESTACK_BLOB_BUCKET), checks the module's export and
 * builds the processor over the DynamoDB store, resolving claim-checked bodies from S3.
 */
export function awsWorkerFromEnv(exported: unknown, env: Env, logger: Logger, clients: AwsClients = {}): AwsWorker {
    const worker = workerFromModule(exported, "The worker module (spec workers[].code)");
    const settings = readRuntimeSettings(env);
    const queueUrl = requireString(env, "QUEUESTACK_QUEUE_URL", "the URL of the SQS queue this worker consumes");
    const tableName = requireString(env, "QUEUESTACK_TABLE_NAME", "the DynamoDB table holding idempotency keys and job results");
    const store = new DynamoDbWorkerStore({ client: clients.dynamodb ?? new DynamoDBClient({}), tableName });
    const bucket = env.QUEUESTACK_BLOB_BUCKET;
    const blobStore = bucket === undefined ? undefined : new S3BlobStore({ client: clients.s3 ?? new S3Client({}), bucket });
    const processor = createProcessor({ worker, settings, store, logger, scope: queueNameOf(queueUrl), blobStore, messagingSystem: messagingSystems.aws, settleSpans: settleSpansFromEnv(env) });
    const levels = readQueueLevels(env);
    return { processor, settings, queueUrl, ...(levels ? { levels } : {}), sqs: clients.sqs ?? new SQSClient({}), store, ...(blobStore ? { blobStore } : {}) };
}
