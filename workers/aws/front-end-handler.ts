import { randomUUID } from "node:crypto";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { SNSClient } from "@aws-sdk/client-sns";
import {
    type BlobStore,
    type JobStore,
    type Logger,
    type RequestParts,
    acceptedReply,
    checkIn,
    envelopeHeadroomBytes,
    jobStatus,
    requestedWaitSeconds,
    routeMessage,
} from "../runtime";
import { checkApiKey, IntakeError, parseIntakeBody, unknownQueueError } from "../runtime/intake";
import { unknownTopicError } from "../runtime/unknown-topic";
import { type DelaySchedulerSettings, scheduleInputLimitBytes } from "./delay-schedule";
import { enqueue, type Outgoing, sqsMaxDelaySeconds } from "./enqueue";
import type { FrontEndQueue, FrontEndTopic } from "./front-end-config";
import { header, json, type HttpApiEvent, type HttpApiResult } from "./http";
import { publish, snsMaxMessageBytes } from "./publish";
import { messagingSystems, traceAccept, tracePublish } from "../runtime/tracing";

export type { FrontEndQueue, FrontEndTopic } from "./front-end-config";

/** What the front end runs with. */
export interface FrontEndOptions {
    /** Queues by their spec name (the `{queue}` path segment), with their routing. */
    queues: Record<string, FrontEndQueue>;
    /** Fan-out topics by their spec name (the `{topic}` path segment). @default {} */
    topics?: Record<string, FrontEndTopic>;
    /** Returns the API key (cached by the caller); undefined when auth is "none". */
    apiKey?: () => Promise<string>;
    /** Largest request body accepted, in bytes. */
    maxBodyBytes: number;
    /** Longest a sender may wait for results, seconds (spec frontEnd.maxWaitSeconds). @default 0 */
    maxWaitSeconds?: number;
    /** Sends to the queues. */
    sqs: SQSClient;
    /** Publishes to the topics; required when there are topics. */
    sns?: SNSClient;
    /** Creates schedules for delays beyond 900 s; required when a queue takes them. */
    scheduler?: DelaySchedulerSettings;
    /** Claim-check store for bodies larger than a queue takes. @default none (such bodies get 413) */
    blobStore?: BlobStore;
    /** Job records, for `GET /jobs/{id}` and for waiting on results. */
    jobs: JobStore;
    /** Where the front end logs (one line per accepted request, errors with their cause). */
    logger: Logger;
    /** The clock. @default () => new Date() */
    now?: () => Date;
}

/** The request parts routing reads, from an HTTP API event. */
const requestOf = (event: HttpApiEvent): RequestParts => ({
    header: (name) => header(event, name),
    query: (name) => event.queryStringParameters?.[name],
});

/**
 * The HTTP API handler: `POST /queues/{queue}/messages` enqueues a JSON object, or one message per
 * item of a JSON array, routed by routeMessage (priority level, delay, group and deduplication
 * ids, correlation id), claim-checking bodies larger than the queue takes, and answers 202 with
 * the ids, or 200 with the results when the sender asked to wait and they finished in time;
 * `POST /topics/{topic}` publishes to a fan-out topic; `GET /jobs/{id}` returns a job's record.
 * Every rejection is a 4xx with `{ "error": "<what is wrong and how to fix it>" }`, and nothing is
 * sent for a rejected request.
 */
export function createFrontEndHandler(options: FrontEndOptions) {
    const { queues, maxBodyBytes, jobs, logger } = options;
    const topics = options.topics ?? {};
    const now = options.now ?? (() => new Date());

    const authenticate = async (event: HttpApiEvent) => {
        if (options.apiKey) checkApiKey(header(event, "x-api-key"), await options.apiKey());
    };

    const readItems = (event: HttpApiEvent) => parseIntakeBody(Buffer.from(event.body ?? "", event.isBase64Encoded ? "base64" : "utf8"), maxBodyBytes);

    /** Claim-checks each body over its limit (`limitBytes(body, index)`) under `<prefix>/<uuid>`. */
    const bodiesOf = (items: object[], limitBytes: (body: string, index: number) => number, prefix: string) =>
        Promise.all(
            items.map((item, index) => {
                const body = JSON.stringify(item);
                return checkIn(body, limitBytes(body, index), options.blobStore, `${prefix}/${randomUUID()}`);
            }),
        );

    const enqueueTo = async (event: HttpApiEvent, queueName: string): Promise<HttpApiResult> => {
        const queue = Object.hasOwn(queues, queueName) ? queues[queueName] : undefined;
        if (!queue) throw unknownQueueError(queueName, Object.keys(queues));
        const { items, batch } = readItems(event);
        const request = requestOf(event);
        const waitSeconds = requestedWaitSeconds(request, options.maxWaitSeconds ?? 0);
        const routing = {
            fifo: queue.fifo,
            levels: queue.levels?.map((l) => l.level),
            defaultLevel: queue.defaultLevel,
            maxDelaySeconds: queue.maxDelaySeconds ?? 0,
            groupKey: queue.groupKey,
            deduplicationKey: queue.deduplicationKey,
        };
        // Every item is routed (and rejected) before anything is stored or sent.
        const routes = items.map((item, index) => routeMessage(queueName, routing, request, item, index));
        const queueLimit = queue.maxMessageBytes === undefined ? Number.POSITIVE_INFINITY : queue.maxMessageBytes - envelopeHeadroomBytes;
        // A scheduled message travels JSON-escaped inside the schedule's input, which has its own cap.
        const limit = (body: string, index: number) =>
            routes[index]!.delaySeconds > sqsMaxDelaySeconds ? Math.min(queueLimit, scheduleInputLimitBytes(body)) : queueLimit;
        const bodies = await bodiesOf(items, limit, queueName);
        const messages: Outgoing[] = bodies.map((body, i) => ({ body, routing: routes[i]!, traceContext: {} }));
        const result = await publishTraced(queueName, messages, async (sent) => {
            const enqueued = await enqueue({ sqs: options.sqs, scheduler: options.scheduler, now }, queue, messages);
            if (!("failure" in enqueued)) enqueued.ids.forEach((id, i) => sent(i, id));
            return enqueued;
        });
        if ("failure" in result) {
            logger.error({ queue: queueName, failure: result.failure }, "SQS rejected messages");
            return json(502, { error: `The queue rejected ${result.failure}; ${result.ids.length} were enqueued before. Retry the rest.`, messageIds: result.ids });
        }
        logger.info({ queue: queueName, count: result.ids.length }, "enqueued");
        const reply = await acceptedReply({ ids: result.ids, batch, correlationId: routes[0]!.correlationId, waitSeconds, jobs });
        return json(reply.statusCode, reply.body);
    };

    const publishTo = async (event: HttpApiEvent, topicName: string): Promise<HttpApiResult> => {
        const topic = Object.hasOwn(topics, topicName) ? topics[topicName] : undefined;
        if (!topic || !options.sns) throw unknownTopicError(topicName, Object.keys(topics));
        const { items, batch } = readItems(event);
        const request = requestOf(event);
        const routes = items.map((item, index) => routeMessage(topicName, { fifo: topic.fifo, maxDelaySeconds: 0 }, request, item, index));
        const bodies = await bodiesOf(items, () => snsMaxMessageBytes - envelopeHeadroomBytes, topicName);
        const messages: Outgoing[] = bodies.map((body, i) => ({ body, routing: routes[i]!, traceContext: {} }));
        const ids = await publishTraced(topicName, messages, async (sent) => {
            const published = await publish(options.sns!, topic, messages, now());
            published.forEach((id, i) => sent(i, id));
            return published;
        });
        logger.info({ topic: topicName, count: ids.length }, "published");
        const correlation = routes[0]!.correlationId === undefined ? {} : { correlationId: routes[0]!.correlationId };
        return json(202, batch ? { messageIds: ids, ...correlation } : { messageId: ids[0], ...correlation });
    };

    const status = async (id: string): Promise<HttpApiResult> => json(200, await jobStatus(jobs, id));

    return (event: HttpApiEvent): Promise<HttpApiResult> => traceAccept(acceptedRequestOf(event), () => answer(event));

    async function answer(event: HttpApiEvent): Promise<HttpApiResult> {
        try {
            await authenticate(event);
            const route = event.routeKey ?? `${event.requestContext?.http?.method ?? ""} ${event.rawPath ?? ""}`;
            const params = event.pathParameters ?? {};
            if (route === "POST /queues/{queue}/messages" && params.queue) return await enqueueTo(event, params.queue);
            if (route === "POST /topics/{topic}" && params.topic) return await publishTo(event, params.topic);
            if (route === "GET /jobs/{id}" && params.id) return await status(params.id);
            throw new IntakeError(404, `No route ${route}. Use POST /queues/{queue}/messages, POST /topics/{topic} or GET /jobs/{id}.`);
        } catch (error) {
            if (error instanceof IntakeError) return json(error.statusCode, { error: error.message });
            logger.error({ err: error }, "front end failed");
            return json(500, { error: "The front end failed; see its logs." });
        }
    }
}

/** Sends `messages` under a producer span each, their trace context written into `traceContext` first (SQS and SNS message attributes). */
function publishTraced<T>(destination: string, messages: Outgoing[], send: (sent: (index: number, messageId: string) => void) => Promise<T>): Promise<T> {
    return tracePublish(messages.map((m) => ({
        system: messagingSystems.aws,
        queue: destination,
        ...(m.routing.level !== undefined ? { level: m.routing.level } : {}),
        ...(m.routing.correlationId !== undefined ? { correlationId: m.routing.correlationId } : {}),
        attributes: m.traceContext!,
    })), send);
}

/** What the request span reads of an HTTP API event: method, route template and headers (an incoming traceparent). */
const acceptedRequestOf = (event: HttpApiEvent) => ({
    method: event.requestContext?.http?.method ?? event.routeKey?.split(" ")[0] ?? "",
    route: event.routeKey?.split(" ")[1] ?? event.rawPath ?? "",
    header: (name: string) => header(event, name),
});
