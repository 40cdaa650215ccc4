/**
 * Lambda entry for SQS-triggered workers (bundled with the user's module as `queuestack:handler`).
 * Handler: `index.handler`. Environment: see awsWorkerFromEnv.
 */
import exported from "queuestack:handler";
import { createLogger } from "../runtime";
import { createLambdaHandler, type BatchResponse, type LambdaContext } from "./lambda-handler";
import { queueNameOf, type SqsEvent } from "./sqs-message";
import { awsWorkerFromEnv } from "./worker-setup";
import { startEntryTracing } from "../runtime/tracing/entry";

const logger = createLogger({ name: process.env.AWS_LAMBDA_FUNCTION_NAME ?? "queuestack-lambda-worker" });
let ready: ReturnType<typeof createLambdaHandler> | undefined;
const tracing = startEntryTracing(process.env.AWS_LAMBDA_FUNCTION_NAME ?? "queuestack-lambda-worker");

export async function handler(event: SqsEvent, context: LambdaContext): Promise<BatchResponse> {
    if (!ready) {
        try {
            const worker = awsWorkerFromEnv(exported, process.env, logger);
            const levelUrls = Object.fromEntries((worker.levels?.levels ?? []).map((l) => [queueNameOf(l.url), l.url]));
            ready = createLambdaHandler({ processor: worker.processor, sqs: worker.sqs, queueUrl: worker.queueUrl, levelUrls, logger });
        } catch (error) {
            // The whole batch fails and is retried; the cause is one log line away.
            logger.fatal({ err: error }, "the worker could not start");
            throw error;
        }
    }
    return tracing.around(() => ready!(event, context));
}
