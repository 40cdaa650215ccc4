import type { JobStore, Logger } from "../runtime";
import { checkApiKey, IntakeError, jobNotFoundError, missingGroupKeyError, parseIntakeBody, unknownQueueError } from "../runtime/intake";
import type { GoogleApiCall } from "./google-api";
import { publish } from "./pubsub-api";
import type { HttpResponse } from "./push-handler";

/** A queue the front end publishes to. */
export interface FrontEndTopic {
    /** `projects/<p>/topics/<t>`. */
    topic: string;
    /** Messages need an ordering key (the queue is `fifo`). */
    ordered: boolean;
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
    /** Topics by queue spec name (the `{queue}` path segment). */
    topics: Record<string, FrontEndTopic>;
    /** The stack's API key; undefined when auth is "none". */
    apiKey?: string;
    maxBodyBytes: number;
    pubsub: GoogleApiCall;
    /** Job records, for `GET /jobs/{id}`. */
    jobs: JobStore;
    logger: Logger;
}

const one = (value: unknown) => (Array.isArray(value) ? value[0] : value) as string | undefined;

/**
 * The HTTP front end on Cloud Functions: `POST /queues/{queue}/messages` publishes a JSON object,
 * or one message per item of a JSON array, to the queue's topic and answers 202 with the message
 * ids; `GET /jobs/{id}` returns a job's record. Rejections are 4xx with `{ "error": ... }` and
 * publish nothing.
 */
export function createFrontEndHandler(options: FrontEndOptions) {
    const { topics, maxBodyBytes, pubsub, jobs, logger } = options;

    const enqueue = async (req: FrontEndRequest, queueName: string): Promise<[number, unknown]> => {
        const target = Object.hasOwn(topics, queueName) ? topics[queueName] : undefined;
        if (!target) throw unknownQueueError(queueName, Object.keys(topics));
        const { items, batch } = parseIntakeBody(req.rawBody ?? Buffer.alloc(0), maxBodyBytes);
        const orderingKey = one(req.query?.groupKey) ?? one(req.headers["x-group-key"]);
        if (target.ordered && !orderingKey) {
            throw missingGroupKeyError(queueName);
        }
        const ids = await publish(pubsub, target.topic, items.map((item) => ({ body: JSON.stringify(item), orderingKey: target.ordered ? orderingKey : undefined })));
        logger.info({ queue: queueName, count: ids.length }, "enqueued");
        return [202, batch ? { messageIds: ids } : { messageId: ids[0] }];
    };

    const status = async (id: string): Promise<[number, unknown]> => {
        const job = await jobs.getJob(id);
        if (!job) throw jobNotFoundError(id);
        return [200, { id, ...job, at: job.at.toISOString() }];
    };

    const route = (req: FrontEndRequest): Promise<[number, unknown]> => {
        const enqueueMatch = /^\/queues\/([^/]+)\/messages\/?$/.exec(req.path);
        if (req.method === "POST" && enqueueMatch) return enqueue(req, decodeURIComponent(enqueueMatch[1]));
        const statusMatch = /^\/jobs\/([^/]+)\/?$/.exec(req.path);
        if (req.method === "GET" && statusMatch) return status(decodeURIComponent(statusMatch[1]));
        throw new IntakeError(404, `No route ${req.method} ${req.path}. Use POST /queues/{queue}/messages or GET /jobs/{id}.`);
    };

    return async (req: FrontEndRequest, res: HttpResponse): Promise<void> => {
        try {
            if (options.apiKey !== undefined) checkApiKey(one(req.headers["x-api-key"]), options.apiKey);
            const [code, body] = await route(req);
            res.status(code).json(body);
        } catch (error) {
            if (error instanceof IntakeError) {
                res.status(error.statusCode).json({ error: error.message });
                return;
            }
            logger.error({ err: error }, "front end failed");
            res.status(500).json({ error: "The front end failed; see its logs." });
        }
    };
}
