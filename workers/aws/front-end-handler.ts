import { SendMessageBatchCommand, type SendMessageBatchRequestEntry, type SQSClient } from "@aws-sdk/client-sqs";
import type { JobStore, Logger } from "../runtime";
import { checkApiKey, IntakeError, jobNotFoundError, missingGroupKeyError, parseIntakeBody, unknownQueueError } from "../runtime/intake";
import { header, json, type HttpApiEvent, type HttpApiResult } from "./http";

/** A queue the front end may enqueue to. */
export interface FrontEndQueue {
    url: string;
    fifo: boolean;
}

/** What the front end runs with. */
export interface FrontEndOptions {
    /** Queues by their spec name (the `{queue}` path segment). */
    queues: Record<string, FrontEndQueue>;
    /** Returns the API key (cached by the caller); undefined when auth is "none". */
    apiKey?: () => Promise<string>;
    /** Largest request body accepted, in bytes. */
    maxBodyBytes: number;
    sqs: SQSClient;
    /** Job records, for `GET /jobs/{id}`. */
    jobs: JobStore;
    logger: Logger;
}

/** SQS batch limits: 10 entries per SendMessageBatch, and a payload cap per request. */
const batchEntries = 10;
const batchBytes = 256 * 1024;

/**
 * The HTTP API handler: `POST /queues/{queue}/messages` enqueues a JSON object, or one message per
 * item of a JSON array, and answers 202 with the message ids; `GET /jobs/{id}` returns a job's
 * record. Every rejection is a 4xx with `{ "error": "<what is wrong and how to fix it>" }`, and
 * nothing is enqueued for a rejected request.
 */
export function createFrontEndHandler(options: FrontEndOptions) {
    const { queues, maxBodyBytes, sqs, jobs, logger } = options;

    const authenticate = async (event: HttpApiEvent) => {
        if (options.apiKey) checkApiKey(header(event, "x-api-key"), await options.apiKey());
    };

    const readItems = (event: HttpApiEvent) => parseIntakeBody(Buffer.from(event.body ?? "", event.isBase64Encoded ? "base64" : "utf8"), maxBodyBytes);

    const fifoFields = (event: HttpApiEvent, queueName: string, index: number) => {
        const groupKey = event.queryStringParameters?.groupKey ?? header(event, "x-group-key");
        if (!groupKey) {
            throw missingGroupKeyError(queueName);
        }
        const dedup = event.queryStringParameters?.deduplicationId ?? header(event, "x-deduplication-id");
        return { MessageGroupId: groupKey, ...(dedup ? { MessageDeduplicationId: index === 0 ? dedup : `${dedup}-${index}` } : {}) };
    };

    const enqueue = async (event: HttpApiEvent, queueName: string): Promise<HttpApiResult> => {
        const queue = Object.hasOwn(queues, queueName) ? queues[queueName] : undefined;
        if (!queue) {
            throw unknownQueueError(queueName, Object.keys(queues));
        }
        const { items, batch } = readItems(event);
        const entries: SendMessageBatchRequestEntry[] = items.map((item, index) => ({
            Id: String(index),
            MessageBody: JSON.stringify(item),
            ...(queue.fifo ? fifoFields(event, queueName, index) : {}),
        }));
        const ids: string[] = new Array(entries.length);
        for (const chunk of chunks(entries)) {
            const { Successful = [], Failed = [] } = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queue.url, Entries: chunk }));
            for (const ok of Successful) ids[Number(ok.Id)] = ok.MessageId ?? "";
            if (Failed.length > 0) {
                logger.error({ queue: queueName, failed: Failed }, "SQS rejected messages");
                const accepted = ids.filter(Boolean);
                return json(502, { error: `The queue rejected ${Failed.length} message(s) (${Failed[0].Code}: ${Failed[0].Message}); ${accepted.length} were enqueued before. Retry the rest.`, messageIds: accepted });
            }
        }
        logger.info({ queue: queueName, count: ids.length }, "enqueued");
        return json(202, batch ? { messageIds: ids } : { messageId: ids[0] });
    };

    const status = async (id: string): Promise<HttpApiResult> => {
        const job = await jobs.getJob(id);
        if (!job) throw jobNotFoundError(id);
        return json(200, { id, ...job, at: job.at.toISOString() });
    };

    return async (event: HttpApiEvent): Promise<HttpApiResult> => {
        try {
            await authenticate(event);
            const route = event.routeKey ?? `${event.requestContext?.http?.method ?? ""} ${event.rawPath ?? ""}`;
            const params = event.pathParameters ?? {};
            if (route === "POST /queues/{queue}/messages" && params.queue) return await enqueue(event, params.queue);
            if (route === "GET /jobs/{id}" && params.id) return await status(params.id);
            throw new IntakeError(404, `No route ${route}. Use POST /queues/{queue}/messages or GET /jobs/{id}.`);
        } catch (error) {
            if (error instanceof IntakeError) return json(error.statusCode, { error: error.message });
            logger.error({ err: error }, "front end failed");
            return json(500, { error: "The front end failed; see its logs." });
        }
    };
}

/** Splits entries into SendMessageBatch requests within the entry and payload limits. */
function chunks(entries: SendMessageBatchRequestEntry[]): SendMessageBatchRequestEntry[][] {
    const result: SendMessageBatchRequestEntry[][] = [];
    let current: SendMessageBatchRequestEntry[] = [];
    let bytes = 0;
    for (const entry of entries) {
        const size = Buffer.byteLength(entry.MessageBody ?? "");
        if (current.length === batchEntries || (current.length > 0 && bytes + size > batchBytes)) {
            result.push(current);
            current = [];
            bytes = 0;
        }
        current.push(entry);
        bytes += size;
    }
    if (current.length > 0) result.push(current);
    return result;
}
