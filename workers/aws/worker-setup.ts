import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
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
import { queueNameOf } from "./sqs-message";

/** Everything an AWS worker (Lambda or VM) runs with. */
export interface AwsWorker {
    processor: Processor;
    settings: RuntimeSettings;
    queueUrl: string;
    sqs: SQSClient;
    store: DynamoDbWorkerStore;
}

/** Clients for the worker; tests pass their own (e.g. pointed at moto). */
export interface AwsClients {
    sqs?: SQSClient;
    dynamodb?: DynamoDBClient;
}

/**
 * Reads the worker environment (QUEUESTACK_QUEUE_URL, QUEUESTACK_TABLE_NAME and the runtime
 * settings), checks the module's export and builds the processor over the DynamoDB store.
 */
export function awsWorkerFromEnv(exported: unknown, env: Env, logger: Logger, clients: AwsClients = {}): AwsWorker {
    const worker = workerFromModule(exported, "The worker module (spec workers[].code)");
    const settings = readRuntimeSettings(env);
    const queueUrl = requireString(env, "QUEUESTACK_QUEUE_URL", "the URL of the SQS queue this worker consumes");
    const tableName = requireString(env, "QUEUESTACK_TABLE_NAME", "the DynamoDB table holding idempotency keys and job results");
    const store = new DynamoDbWorkerStore({ client: clients.dynamodb ?? new DynamoDBClient({}), tableName });
    const processor = createProcessor({ worker, settings, store, logger, scope: queueNameOf(queueUrl) });
    return { processor, settings, queueUrl, sqs: clients.sqs ?? new SQSClient({}), store };
}
