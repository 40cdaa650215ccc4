import type { HttpResponseInit } from "@azure/functions";
import type { ServiceBusMessage, ServiceBusSender } from "@azure/service-bus";
import { acceptedReply, describeError, jobStatus, type JobStore, type Logger, type RequestParts, requestedWaitSeconds } from "../runtime";
import { checkApiKey, IntakeError, parseIntakeBody, unknownQueueError } from "../runtime/intake";
import { unknownTopicError } from "../runtime/unknown-topic";
import { messagingSystems, routeTemplate, traceAccept, tracePublish } from "../runtime/tracing";
import { type ClaimCheck, messagesFor, type OutgoingMessage, type SendTarget } from "./front-end-messages";

/** A queue the front end may send to (an entry of QUEUESTACK_QUEUES). */
export type FrontEndQueue = SendTarget;
/** A fan-out topic the front end may publish to (an entry of QUEUESTACK_TOPICS): no levels, delays or body paths. */
export type FrontEndTopic = Pick<SendTarget, "name" | "entity" | "sessions" | "maxMessageBytes">;

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
    /** Job records, for `GET /jobs/{id}` and waiting; undefined when the app has no datastore settings. */
    jobs?: JobStore;
    logger: Logger;
    /** Fan-out topics (`POST /topics/{name}`). @default [] */
    topics?: FrontEndTopic[];
    /** Where bodies over a queue's limit are stored, and the largest it takes (claim check). @default none: they are refused with 413 */
    claimCheck?: ClaimCheck;
    /** Longest a sender may wait for the result (`Prefer: wait=N` / `?wait=N`), seconds (spec frontEnd.maxWaitSeconds). @default 0 */
    maxWaitSeconds?: number;
}

/** Where requests go: `/messages` is the first queue's shorthand (the stack's frontEndUrl). */
const routes = { enqueue: /^queues\/([^/]+)\/messages\/?$/, enqueueDefault: /^messages\/?$/, publish: /^topics\/([^/]+)\/?$/, job: /^jobs\/([^/]+)\/?$/ };

/** Stands in for the job records on an app without them: acceptedReply reads none when there is no wait. */
const noJobRecords: JobStore = {
    getJob: async () => undefined,
    putJob: async () => {
        throw new Error("the front end writes no job records");
    },
};

/**
 * The HTTP front end on Azure Functions: `POST /api/queues/{queue}/messages` (or `POST
 * /api/messages` for the first queue) sends a JSON object, or one message per item of a JSON array,
 * and answers 202 with the message ids and correlation id; `POST /api/topics/{topic}` publishes
 * the same way to a fan-out topic; `GET /api/jobs/{id}` returns a job's record. Each item is routed
 * by routeMessage (priority level, delay, group key, deduplication id, correlation id) and
 * claim-checked when too large (see messagesFor). The answer is acceptedReply's: with `Prefer:
 * wait=N` or `?wait=N` (N up to maxWaitSeconds) 200 with the finished jobs once they have all
 * finished within N s, else 202 with the ids, the sender's correlation id and status paths. Rejections are 4xx with
 * `{ "error": ... }` and send nothing: every check runs before the first send.
 */
export function createFrontEndHandler(options: FrontEndOptions) {
    const { queues, maxBodyBytes, logger } = options;

    /** Sends to one entity in as few batches as fit; returns how many were sent before a failure, and the failure. */
    const send = async (target: SendTarget, entity: string, messages: ServiceBusMessage[]): Promise<{ sent: number; error?: unknown }> => {
        const sender = options.sender(entity);
        let sent = 0;
        try {
            let batch = await sender.createMessageBatch();
            for (const message of messages) {
                if (batch.tryAddMessage(message)) continue;
                if (batch.count === 0) throw new IntakeError(413, `A message is larger than "${target.name}" accepts (${batch.maxSizeInBytes} bytes). Send smaller items.`);
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

    /** Sends each run of messages to its entity, in order; stops at the first failure after something was sent (throws if nothing was). */
    const sendAll = async (target: SendTarget, outgoing: OutgoingMessage[]): Promise<{ sent: number; error?: unknown }> => {
        let sent = 0;
        for (const run of runsByEntity(outgoing)) {
            try {
                const result = await send(target, run[0].entity, run.map((m) => m.message));
                sent += result.sent;
                if (result.error !== undefined) return { sent, error: result.error };
            } catch (failure) {
                if (sent === 0) throw failure;
                return { sent, error: failure };
            }
        }
        return { sent };
    };

    const enqueue = async (req: FrontEndRequest, target: SendTarget): Promise<HttpResponseInit> => {
        const { items, batch } = parseIntakeBody(Buffer.from(await req.arrayBuffer()), maxBodyBytes);
        const request = requestParts(req);
        const wait = requestedWaitSeconds(request, options.maxWaitSeconds ?? 0);
        if (wait > 0 && !options.jobs) throw noJobStatus();
        const outgoing = await messagesFor(target, request, items, options.claimCheck);
        // Each message's trace context goes into its application properties (within the message's size).
        const { sent, error } = await tracePublish(outgoing.map((m) => ({
            system: messagingSystems.azure,
            queue: target.name,
            id: m.id,
            ...(m.routing.level !== undefined ? { level: m.routing.level } : {}),
            correlationId: String(m.message.correlationId),
            attributes: (m.message.applicationProperties ??= {}) as Record<string, string>,
        })), () => sendAll(target, outgoing));
        const ids = outgoing.slice(0, sent).map((m) => m.id);
        if (error) {
            logger.error({ err: error, target: target.name, sent }, "Service Bus refused a batch after earlier ones were sent");
            return { status: 502, jsonBody: { error: `The queue refused messages after ${sent} of ${outgoing.length} were enqueued (${describeError(error)}). Retry the rest.`, messageIds: ids } };
        }
        logger.info({ target: target.name, count: ids.length }, "enqueued");
        const reply = await acceptedReply({ ids, batch, correlationId: outgoing[0].routing.correlationId, waitSeconds: wait, jobs: options.jobs ?? noJobRecords, basePath: "/api" });
        return { status: reply.statusCode, jsonBody: reply.body };
    };

    const status = async (id: string): Promise<HttpResponseInit> => {
        if (!options.jobs) throw noJobStatus();
        return { status: 200, jsonBody: await jobStatus(options.jobs, id, "/api") };
    };

    const route = async (req: FrontEndRequest): Promise<HttpResponseInit> => {
        const path = (req.params.path ?? "").replace(/^\/+/, "");
        const method = req.method.toUpperCase();
        const named = routes.enqueue.exec(path);
        if (method === "POST" && named) {
            const queueName = decodeURIComponent(named[1]);
            const queue = queues.find((q) => q.name === queueName);
            if (!queue) throw unknownQueueError(queueName, queues.map((q) => q.name));
            return enqueue(req, queue);
        }
        if (method === "POST" && routes.enqueueDefault.test(path)) return enqueue(req, queues[0]);
        const topic = routes.publish.exec(path);
        if (method === "POST" && topic) {
            const topicName = decodeURIComponent(topic[1]);
            const known = options.topics ?? [];
            const target = known.find((t) => t.name === topicName);
            if (!target) throw unknownTopicError(topicName, known.map((t) => t.name));
            return enqueue(req, target);
        }
        const job = routes.job.exec(path);
        if (method === "GET" && job) return status(decodeURIComponent(job[1]));
        throw new IntakeError(404, `No route ${method} /api/${path}. Use POST /api/queues/{queue}/messages, POST /api/messages, POST /api/topics/{topic} or GET /api/jobs/{id}.`);
    };

    const answer = async (req: FrontEndRequest): Promise<HttpResponseInit> => {
        try {
            if (options.apiKey !== undefined) checkApiKey(req.headers.get("x-api-key") ?? undefined, options.apiKey);
            return await route(req);
        } catch (error) {
            if (error instanceof IntakeError) return { status: error.statusCode, jsonBody: { error: error.message } };
            logger.error({ err: error }, "front end failed");
            return { status: 500, jsonBody: { error: "The front end failed; see its logs." } };
        }
    };
    // The request's SERVER span continues the caller's traceparent; its messages' send spans are its children.
    return async (req: FrontEndRequest): Promise<HttpResponseInit> => {
        const traced = await traceAccept({ method: req.method.toUpperCase(), route: routeTemplate(`/api/${(req.params.path ?? "").replace(/^\/+/, "")}`), header: (name) => req.headers.get(name) ?? undefined }, async () => {
            const response = await answer(req);
            return { statusCode: response.status ?? 200, response };
        });
        return traced.response;
    };
}

/** The request's headers and query, as routing reads them. */
function requestParts(req: FrontEndRequest): RequestParts {
    return { header: (name) => req.headers.get(name) ?? undefined, query: (name) => req.query.get(name) ?? undefined };
}

/** 501 for job status or waiting on a front end without the job records' container. */
function noJobStatus(): IntakeError {
    return new IntakeError(501, "Job status is not available on this front end: it has no datastore settings (QUEUESTACK_COSMOS_ENDPOINT).");
}

/** Consecutive messages to the same entity, in order (one level's queue, usually the whole request). */
function runsByEntity(messages: OutgoingMessage[]): OutgoingMessage[][] {
    const runs: OutgoingMessage[][] = [];
    for (const m of messages) {
        const last = runs[runs.length - 1];
        if (last && last[0].entity === m.entity) last.push(m);
        else runs.push([m]);
    }
    return runs;
}
