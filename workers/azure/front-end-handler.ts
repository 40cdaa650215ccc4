import { randomUUID } from "node:crypto";
import type { HttpResponseInit } from "@azure/functions";
import type { ServiceBusMessage, ServiceBusSender } from "@azure/service-bus";
import { describeError, type JobStore, type Logger } from "../runtime";
import { checkApiKey, IntakeError, jobNotFoundError, missingGroupKeyError, parseIntakeBody, unknownQueueError } from "../runtime/intake";

/** A queue the front end may send to. */
export interface FrontEndQueue {
    /** Spec queue name, as callers address it (`/queues/{name}/messages`). */
    name: string;
    /** Physical Service Bus queue. */
    entity: string;
    /** The queue requires sessions (spec ordering fifo): messages need a group key. */
    sessions: boolean;
}

/** The parts of an @azure/functions `HttpRequest` the front end reads. */
export interface FrontEndRequest {
    method: string;
    /** Route parameters; `path` is the catch-all route `{*path}`. */
    params: Record<string, string | undefined>;
    headers: { get(name: string): string | null };
    query: { get(name: string): string | null };
    arrayBuffer(): Promise<ArrayBuffer>;
}

/** The sender calls the front end uses (a real `ServiceBusSender` has them). */
export type SenderLike = Pick<ServiceBusSender, "createMessageBatch" | "sendMessages">;

export interface FrontEndOptions {
    /** The queues, the first being the one `POST /messages` sends to. */
    queues: FrontEndQueue[];
    /** The stack's API key; undefined when auth is "none". */
    apiKey?: string;
    /** Largest request body accepted, in bytes. */
    maxBodyBytes: number;
    /** A sender for a physical queue (cached by the caller). */
    sender(entity: string): SenderLike;
    /** Job records, for `GET /jobs/{id}`; undefined when the app has no datastore settings. */
    jobs?: JobStore;
    logger: Logger;
}

/** Where requests go: `/messages` is the first queue's shorthand (the stack's frontEndUrl). */
const routes = { enqueue: /^queues\/([^/]+)\/messages\/?$/, enqueueDefault: /^messages\/?$/, job: /^jobs\/([^/]+)\/?$/ };

/**
 * The HTTP front end on Azure Functions: `POST /api/queues/{queue}/messages` (or `POST
 * /api/messages` for the first queue) sends a JSON object, or one message per item of a JSON array,
 * and answers 202 with the message ids; `GET /api/jobs/{id}` returns a job's record. Rejections are
 * 4xx with `{ "error": ... }` and send nothing: every check runs before the first send.
 */
export function createFrontEndHandler(options: FrontEndOptions) {
    const { queues, maxBodyBytes, logger } = options;

    const fields = (req: FrontEndRequest, queue: FrontEndQueue, index: number): Partial<ServiceBusMessage> => {
        const groupKey = req.query.get("groupKey") ?? req.headers.get("x-group-key");
        if (queue.sessions && !groupKey) {
            throw missingGroupKeyError(queue.name);
        }
        // Duplicate detection keys on the message id: a caller's deduplication id becomes it.
        const dedup = req.query.get("deduplicationId") ?? req.headers.get("x-deduplication-id");
        return { messageId: dedup ? (index === 0 ? dedup : `${dedup}-${index}`) : randomUUID(), ...(queue.sessions ? { sessionId: groupKey! } : {}) };
    };

    /** Sends in as few batches as fit; returns how many messages were sent before a failure, and the failure. */
    const send = async (queue: FrontEndQueue, messages: ServiceBusMessage[]): Promise<{ sent: number; error?: unknown }> => {
        const sender = options.sender(queue.entity);
        let sent = 0;
        try {
            let batch = await sender.createMessageBatch();
            for (const message of messages) {
                if (batch.tryAddMessage(message)) continue;
                if (batch.count === 0) throw new IntakeError(413, `A message is larger than queue "${queue.name}" accepts (${batch.maxSizeInBytes} bytes). Send smaller items.`);
                await sender.sendMessages(batch);
                sent += batch.count;
                batch = await sender.createMessageBatch();
                if (!batch.tryAddMessage(message)) throw new Error("a message that fit a batch does not fit an empty one");
            }
            if (batch.count > 0) await sender.sendMessages(batch);
            return { sent: messages.length };
        } catch (error) {
            if (sent === 0) throw error;
            return { sent, error };
        }
    };

    const enqueue = async (req: FrontEndRequest, queue: FrontEndQueue | undefined, queueName: string): Promise<HttpResponseInit> => {
        if (!queue) throw unknownQueueError(queueName, queues.map((q) => q.name));
        const { items, batch } = parseIntakeBody(Buffer.from(await req.arrayBuffer()), maxBodyBytes);
        const messages: ServiceBusMessage[] = items.map((item, index) => ({ body: JSON.stringify(item), contentType: "application/json", ...fields(req, queue, index) }));
        const { sent, error } = await send(queue, messages);
        const ids = messages.slice(0, sent).map((m) => String(m.messageId));
        if (error) {
            logger.error({ err: error, queue: queue.name, sent }, "Service Bus refused a batch after earlier ones were sent");
            return { status: 502, jsonBody: { error: `The queue refused messages after ${sent} of ${messages.length} were enqueued (${describeError(error)}). Retry the rest.`, messageIds: ids } };
        }
        logger.info({ queue: queue.name, count: ids.length }, "enqueued");
        return { status: 202, jsonBody: batch ? { messageIds: ids } : { messageId: ids[0] } };
    };

    const status = async (id: string): Promise<HttpResponseInit> => {
        if (!options.jobs) throw new IntakeError(501, "Job status is not available on this front end: it has no datastore settings (QUEUESTACK_COSMOS_ENDPOINT).");
        const job = await options.jobs.getJob(id);
        if (!job) throw jobNotFoundError(id);
        return { status: 200, jsonBody: { id, ...job, at: job.at.toISOString() } };
    };

    const route = async (req: FrontEndRequest): Promise<HttpResponseInit> => {
        const path = (req.params.path ?? "").replace(/^\/+/, "");
        const method = req.method.toUpperCase();
        const named = routes.enqueue.exec(path);
        if (method === "POST" && named) {
            const queueName = decodeURIComponent(named[1]);
            return enqueue(req, queues.find((q) => q.name === queueName), queueName);
        }
        if (method === "POST" && routes.enqueueDefault.test(path)) return enqueue(req, queues[0], queues[0].name);
        const job = routes.job.exec(path);
        if (method === "GET" && job) return status(decodeURIComponent(job[1]));
        throw new IntakeError(404, `No route ${method} /api/${path}. Use POST /api/queues/{queue}/messages, POST /api/messages or GET /api/jobs/{id}.`);
    };

    return async (req: FrontEndRequest): Promise<HttpResponseInit> => {
        try {
            if (options.apiKey !== undefined) checkApiKey(req.headers.get("x-api-key") ?? undefined, options.apiKey);
            return await route(req);
        } catch (error) {
            if (error instanceof IntakeError) return { status: error.statusCode, jsonBody: { error: error.message } };
            logger.error({ err: error }, "front end failed");
            return { status: 500, jsonBody: { error: "The front end failed; see its logs." } };
        }
    };
}
