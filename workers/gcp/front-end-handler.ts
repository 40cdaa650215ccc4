import { randomUUID } from "node:crypto";
import {
    type BlobStore,
    type JobStore,
    type Logger,
    type MessageRouting,
    type RequestParts,
    type RoutingOptions,
    acceptedReply,
    checkIn,
    claimCheckLimitBytes,
    correlationAttribute,
    enqueuedAtAttribute,
    jobStatus,
    requestedWaitSeconds,
    routeMessage,
} from "../runtime";
import { checkApiKey, IntakeError, parseIntakeBody, unknownQueueError } from "../runtime/intake";
import { messagingSystems, routeTemplate, traceAccept, tracePublish } from "../runtime/tracing";
import { unknownTopicError } from "../runtime/unknown-topic";
import { type DelaySettings, maxDelayedBodyBytes, scheduleDelayedPublish } from "./delayed-publish";
import type { GoogleApiCall } from "./google-api";
import { type Publication, publish } from "./pubsub-api";
import { deduplicationAttribute, jobIdAttribute } from "./pubsub-message";
import type { HttpResponse } from "./push-handler";

/** A queue the front end publishes to (one entry of QUEUESTACK_QUEUES). */
export interface FrontEndQueue {
    /** Topic of each level, highest first; one entry without `level` for a queue without priorities. */
    levels: { level?: string; topic: string }[];
    /** Messages need an ordering key (the queue is `fifo`). */
    ordered: boolean;
    /** Level of a message that names none. @default the last level */
    defaultLevel?: string;
    /** Longest delay a sender may ask for, seconds; 0 takes none. */
    maxDelaySeconds: number;
    /** Largest body published as is, KiB; larger ones are claim-checked (or refused with 413). */
    maxMessageKb: number;
    /** `body.<path>` of the group key. @default the x-group-key header only */
    groupKey?: string;
    /** `body.<path>` of the deduplication id. @default the x-deduplication-id header only */
    deduplicationKey?: string;
}

/** A fan-out topic the front end publishes to (one entry of QUEUESTACK_TOPICS). */
export interface FrontEndTopic {
    /** `projects/<p>/topics/<t>`. */
    topic: string;
    /** Messages need an ordering key (the subscriber queues are `fifo`). */
    ordered: boolean;
    /** Largest body published as is, KiB (the smallest subscriber's limit). */
    maxMessageKb: number;
}

/** The parts of a Functions Framework (Express) request the front end reads. */
export interface FrontEndRequest {
    method: string;
    path: string;
    headers: Record<string, string | string[] | undefined>;
    query?: Record<string, unknown>;
    /** The unparsed body (Functions Framework keeps it). */
    rawBody?: Buffer;
}

export interface FrontEndOptions {
    /** Queues by spec name (the `{queue}` path segment). */
    queues: Record<string, FrontEndQueue>;
    /** Fan-out topics by spec name (the `{topic}` path segment). @default {} */
    topics?: Record<string, FrontEndTopic>;
    /** The stack's API key; undefined when auth is "none". */
    apiKey?: string;
    /** Largest request body, bytes (spec frontEnd.maxBodyKb). */
    maxBodyBytes: number;
    /** Longest a sender may wait for results, seconds (spec frontEnd.maxWaitSeconds). @default 0 */
    maxWaitSeconds?: number;
    /** A Pub/Sub REST client. */
    pubsub: GoogleApiCall;
    /** Cloud Tasks client and queue for delayed messages; required when a queue takes delays. */
    delay?: { api: GoogleApiCall; settings: DelaySettings };
    /** Where bodies over a queue's limit are stored (spec largeMessages). @default none: 413 */
    blobStore?: BlobStore;
    /** Job records, for `GET /jobs/{id}` and waiting. */
    jobs: JobStore;
    logger: Logger;
    /** Makes job ids. @default randomUUID */
    newJobId?: () => string;
}

/** Where accepted messages go: routing rules, the topic of a level, the size limit. */
interface Destination {
    routing: RoutingOptions;
    topicOf(level: string | undefined): string;
    maxMessageKb: number;
}

const one = (value: unknown) => (Array.isArray(value) ? value[0] : value) as string | undefined;
const partsOf = (req: FrontEndRequest): RequestParts => ({ header: (name) => one(req.headers[name]), query: (name) => one(req.query?.[name]) });

function queueDestination(q: FrontEndQueue): Destination {
    const levels = q.levels.flatMap((l) => (l.level ? [l.level] : []));
    return {
        routing: { fifo: q.ordered, levels: levels.length ? levels : undefined, defaultLevel: q.defaultLevel, maxDelaySeconds: q.maxDelaySeconds, groupKey: q.groupKey, deduplicationKey: q.deduplicationKey },
        topicOf: (level) => (q.levels.find((l) => l.level === level) ?? q.levels[0]!).topic,
        maxMessageKb: q.maxMessageKb,
    };
}

/** The attributes every accepted message carries. */
function attributesOf(id: string, route: MessageRouting, now: Date): Record<string, string> {
    return {
        [jobIdAttribute]: id,
        [enqueuedAtAttribute]: now.toISOString(),
        [correlationAttribute]: route.correlationId ?? id,
        ...(route.deduplicationId ? { [deduplicationAttribute]: route.deduplicationId } : {}),
    };
}

/**
 * The HTTP front end on Cloud Functions: `POST /queues/{queue}/messages` publishes a JSON object,
 * or one message per item of a JSON array, to the queue's topic at the level the sender names
 * (routeMessage), now or, when delayed, through a Cloud Tasks task; `POST /topics/{topic}`
 * publishes once to a fan-out topic. Bodies over the queue's limit are claim-checked. Answers 202
 * with the job ids, or 200 with the results when the sender waits for them and they finish in
 * time; `GET /jobs/{id}` returns a job's record. Rejections are 4xx with `{ "error": ... }` and
 * publish nothing.
 */
export function createFrontEndHandler(options: FrontEndOptions) {
    const { queues, topics = {}, maxBodyBytes, pubsub, jobs, logger, blobStore, delay } = options;
    const newJobId = options.newJobId ?? randomUUID;
    // Routing rules and topics are fixed by the environment: derived once, not per request.
    const queueDestinations = new Map(Object.entries(queues).map(([name, q]) => [name, queueDestination(q)]));
    const topicDestinations = new Map(Object.entries(topics).map(([name, t]): [string, Destination] => [name, { routing: { fifo: t.ordered, maxDelaySeconds: 0 }, topicOf: () => t.topic, maxMessageKb: t.maxMessageKb }]));

    const accept = async (req: FrontEndRequest, name: string, to: Destination): Promise<[number, unknown]> => {
        const { items, batch } = parseIntakeBody(req.rawBody ?? Buffer.alloc(0), maxBodyBytes);
        const parts = partsOf(req);
        const waitSeconds = requestedWaitSeconds(parts, options.maxWaitSeconds ?? 0);
        const routes = items.map((item, index) => routeMessage(name, to.routing, parts, item, index));
        if (routes.some((r) => r.delaySeconds > 0) && !delay) throw new Error(`front end: "${name}" takes delays but QUEUESTACK_DELAY is not set`);
        const now = new Date();
        const limit = claimCheckLimitBytes(to.maxMessageKb);
        const messages = await Promise.all(
            items.map(async (item, i) => {
                const id = newJobId();
                const route = routes[i]!;
                const body = await checkIn(JSON.stringify(item), route.delaySeconds > 0 ? Math.min(limit, maxDelayedBodyBytes) : limit, blobStore, `${name}/${id}`);
                const publication: Publication = { body, attributes: attributesOf(id, route, now), orderingKey: route.groupKey };
                return { id, route, publication, topic: to.topicOf(route.level) };
            }),
        );
        const immediate = messages.filter((m) => m.route.delaySeconds === 0);
        const sent: string[] = [];
        // Each message's trace context goes into its Pub/Sub attributes (at most 6 of 100), delayed ones through their task.
        const failure = await tracePublish(messages.map((m) => ({
            system: messagingSystems.gcp,
            queue: name,
            id: m.id,
            ...(m.route.level !== undefined ? { level: m.route.level } : {}),
            correlationId: m.publication.attributes![correlationAttribute]!,
            attributes: m.publication.attributes!,
        })), async () => {
            try {
                for (const topic of new Set(immediate.map((m) => m.topic))) {
                    const batch = immediate.filter((m) => m.topic === topic);
                    await publish(pubsub, topic, batch.map((m) => m.publication));
                    sent.push(...batch.map((m) => m.id));
                }
                for (const m of messages.filter((m) => m.route.delaySeconds > 0)) {
                    await scheduleDelayedPublish(delay!.api, delay!.settings, m.topic, m.publication, m.route.delaySeconds, now);
                    sent.push(m.id);
                }
                return undefined;
            } catch (error) {
                if (sent.length === 0) throw error;
                return error as Error;
            }
        });
        if (failure) {
            logger.error({ err: failure, destination: name, sent: sent.length }, "enqueue failed part-way");
            return [502, { error: `Enqueueing failed after ${sent.length} of ${messages.length} messages were accepted (${failure.message}). Retry the rest.`, messageIds: sent }];
        }
        logger.info({ destination: name, count: messages.length, delayed: messages.length - immediate.length }, "enqueued");
        const reply = await acceptedReply({ ids: messages.map((m) => m.id), batch, correlationId: routes[0]!.correlationId, waitSeconds, jobs });
        return [reply.statusCode, reply.body];
    };

    const status = async (id: string): Promise<[number, unknown]> => [200, await jobStatus(jobs, id)];

    const route = (req: FrontEndRequest): Promise<[number, unknown]> => {
        const enqueueMatch = /^\/queues\/([^/]+)\/messages\/?$/.exec(req.path);
        if (req.method === "POST" && enqueueMatch) {
            const queueName = decodeURIComponent(enqueueMatch[1]!);
            const target = queueDestinations.get(queueName);
            if (!target) throw unknownQueueError(queueName, Object.keys(queues));
            return accept(req, queueName, target);
        }
        const topicMatch = /^\/topics\/([^/]+)\/?$/.exec(req.path);
        if (req.method === "POST" && topicMatch) {
            const topicName = decodeURIComponent(topicMatch[1]!);
            const target = topicDestinations.get(topicName);
            if (!target) throw unknownTopicError(topicName, Object.keys(topics));
            return accept(req, topicName, target);
        }
        const statusMatch = /^\/jobs\/([^/]+)\/?$/.exec(req.path);
        if (req.method === "GET" && statusMatch) return status(decodeURIComponent(statusMatch[1]!));
        throw new IntakeError(404, `No route ${req.method} ${req.path}. Use POST /queues/{queue}/messages, POST /topics/{topic} or GET /jobs/{id}.`);
    };

    const answer = async (req: FrontEndRequest): Promise<[number, unknown]> => {
        try {
            if (options.apiKey !== undefined) checkApiKey(one(req.headers["x-api-key"]), options.apiKey);
            return await route(req);
        } catch (error) {
            if (error instanceof IntakeError) return [error.statusCode, { error: error.message }];
            logger.error({ err: error }, "front end failed");
            return [500, { error: "The front end failed; see its logs." }];
        }
    };

    // The request's SERVER span continues the caller's traceparent; its messages' send spans are its children.
    return async (req: FrontEndRequest, res: HttpResponse): Promise<void> => {
        const { statusCode, body } = await traceAccept({ method: req.method, route: routeTemplate(req.path), header: (name) => one(req.headers[name]) }, async () => {
            const [code, answered] = await answer(req);
            return { statusCode: code, body: answered };
        });
        res.status(statusCode).json(body);
    };
}
