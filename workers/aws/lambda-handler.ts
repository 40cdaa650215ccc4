import { ChangeMessageVisibilityCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { Logger, Outcome, Processor } from "../runtime";
import { fromEventRecord, type SqsEvent, type SqsEventRecord } from "./sqs-message";

/** Lambda's partial batch response: the records to leave on the queue (ReportBatchItemFailures). */
export interface BatchResponse {
    batchItemFailures: { itemIdentifier: string }[];
}

/** The part of the Lambda context queuestack reads. */
export interface LambdaContext {
    getRemainingTimeInMillis(): number;
}

/** What the Lambda handler runs with. */
export interface LambdaHandlerOptions {
    processor: Processor;
    sqs: SQSClient;
    /** The queue's URL (the default level's with priorities). */
    queueUrl: string;
    /**
     * With priority levels, each level's URL by its queue name: a record is returned to the level it
     * came from (the name ending its eventSourceARN). @default {} (every record is from queueUrl)
     */
    levelUrls?: Record<string, string>;
    logger: Logger;
}

/** Time kept back from Lambda's own timeout to report the batch. */
const reportMarginMs = 1_000;

/**
 * An SQS-triggered Lambda handler. Records run concurrently, except FIFO records, which run in
 * order per message group; after a failure in a group, the group's later records are not run and
 * are returned as failures too (so order holds). Dead-lettered records are made visible at once so
 * they reach the DLQ after maxReceiveCount quickly; their reason is in the job record.
 */
export function createLambdaHandler(options: LambdaHandlerOptions) {
    const { processor, sqs, queueUrl, logger } = options;
    const levelUrls = options.levelUrls ?? {};
    const urlOf = (record: SqsEventRecord) => {
        const name = record.eventSourceARN?.split(":").pop();
        return name !== undefined && Object.hasOwn(levelUrls, name) ? levelUrls[name]! : queueUrl;
    };

    const failFast = async (record: SqsEventRecord) => {
        try {
            await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: urlOf(record), ReceiptHandle: record.receiptHandle, VisibilityTimeout: 0 }));
        } catch (error) {
            logger.warn({ err: error, messageId: record.messageId }, "could not make a dead-lettered message visible again");
        }
    };

    return async (event: SqsEvent, context?: LambdaContext): Promise<BatchResponse> => {
        const remaining = context?.getRemainingTimeInMillis();
        const deadline = remaining === undefined ? undefined : new Date(Date.now() + remaining - reportMarginMs);
        const failed = new Set<string>();

        const run = async (record: SqsEventRecord): Promise<Outcome> => {
            const outcome = await processor(fromEventRecord(record), { deadline });
            if (outcome.kind === "retry" || outcome.kind === "dead-letter") failed.add(record.messageId);
            if (outcome.kind === "dead-letter") await failFast(record);
            return outcome;
        };

        const groups = new Map<string, SqsEventRecord[]>();
        const unordered: SqsEventRecord[] = [];
        for (const record of event.Records) {
            const group = record.attributes.MessageGroupId;
            if (group === undefined) unordered.push(record);
            else groups.set(group, [...(groups.get(group) ?? []), record]);
        }
        const inOrder = async (records: SqsEventRecord[]) => {
            for (const [index, record] of records.entries()) {
                const outcome = await run(record);
                if (outcome.kind === "retry" || outcome.kind === "dead-letter") {
                    for (const later of records.slice(index + 1)) failed.add(later.messageId);
                    return;
                }
            }
        };
        await Promise.all([...unordered.map(run), ...[...groups.values()].map(inOrder)]);

        return { batchItemFailures: event.Records.filter((r) => failed.has(r.messageId)).map((r) => ({ itemIdentifier: r.messageId })) };
    };
}
