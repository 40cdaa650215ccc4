import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Spec } from "../../components/spec";
import type { Logger } from "../../workers/runtime";
import type { QueueEngine } from "../engine/queue-engine";
import type { AlarmState } from "../observability/alarms";
import type { MetricsSnapshot } from "../observability/prometheus";
import { redriveTraced, type localDestinations } from "../tracing/local-spans";

/**
 * How the dashboard's dead-letter list is cut, so one poll stays small however large the dead
 * letters are: a page holds at most `maxPageSize` rows (`pageSize` unless the request asks for
 * fewer or more), and each row carries the first `previewChars` characters of its body and reason.
 * A whole body is fetched only when asked for (GET .../dead-letters/{id}).
 */
export const deadLetterPaging = { pageSize: 20, maxPageSize: 100, previewChars: 200 } as const;

/** What the dashboard's JSON API reads. */
export interface DashboardApiOptions {
    spec: Spec;
    engine: QueueEngine;
    logger: Logger;
    /** Current numbers: queue stats and alarms come from one reading, so alarm text matches the cards. */
    snapshot: () => MetricsSnapshot & { alarms: AlarmState[] };
    /** Each engine queue's sender address, for redrive spans. */
    destinations: ReturnType<typeof localDestinations>;
    /** Each engine queue's spec queue, and its priority level when it is one. */
    sendTargets: Map<string, { queue: string; level?: string }>;
    /** Answers 401 and returns false when the request lacks the stack's API key. */
    authorized: (request: FastifyRequest, reply: FastifyReply) => boolean;
}

/**
 * The dashboard's JSON API under /api: `GET /api/overview` (the live cards and alarms, small and
 * independent of the tables), `GET /api/queues/{queue}/dead-letters?offset=&limit=` (one page of
 * previews), `GET /api/queues/{queue}/dead-letters/{id}` (one whole dead letter) and
 * `POST /api/queues/{queue}/redrive`.
 */
export function registerDashboardApi(app: FastifyInstance, options: DashboardApiOptions): void {
    const { spec, engine, logger, authorized } = options;
    app.get("/api/overview", async (request, reply) => {
        if (!authorized(request, reply)) return reply;
        const snapshot = options.snapshot();
        return {
            stack: spec.name,
            queues: snapshot.queues.map((q) => ({ ...q, fifo: engine.config(q.queue).fifo, sendTo: options.sendTargets.get(q.queue) })),
            workers: spec.workers.map((w) => {
                const latency = snapshot.latencies.find((l) => l.worker === w.name);
                return { name: w.name, queue: w.queue, inFlight: snapshot.inFlightByWorker[w.name] ?? 0, p50Ms: latency?.p50Ms ?? null, p99Ms: latency?.p99Ms ?? null };
            }),
            alarms: snapshot.alarms,
        };
    });
    app.get("/api/queues/:queue/dead-letters", async (request, reply) => {
        if (!authorized(request, reply)) return reply;
        const query = request.query as Record<string, string | undefined>;
        const offset = whole(query.offset, "offset", 0, Number.MAX_SAFE_INTEGER, 0);
        const limit = whole(query.limit, "limit", 1, deadLetterPaging.maxPageSize, deadLetterPaging.pageSize);
        if (typeof offset === "string" || typeof limit === "string") return reply.code(400).send({ error: typeof offset === "string" ? offset : limit });
        const page = engine.deadLetters.page((request.params as { queue: string }).queue, { offset, limit, previewChars: deadLetterPaging.previewChars });
        return { total: page.total, offset, limit, previewChars: deadLetterPaging.previewChars, deadLetters: page.deadLetters };
    });
    app.get("/api/queues/:queue/dead-letters/:id", async (request, reply) => {
        if (!authorized(request, reply)) return reply;
        const { queue, id } = request.params as { queue: string; id: string };
        const deadLetter = engine.deadLetters.get(queue, id);
        if (!deadLetter) return reply.code(404).send({ error: `No dead letter ${JSON.stringify(id)} in the dead-letter queue of "${queue}" (it may have been redriven or expired).` });
        return deadLetter;
    });
    app.post("/api/queues/:queue/redrive", async (request, reply) => {
        if (!authorized(request, reply)) return reply;
        const parsed = parseJson(request.body);
        const ids = (parsed as { ids?: unknown } | undefined)?.ids;
        if (parsed === null || (ids !== undefined && !(Array.isArray(ids) && ids.every((id) => typeof id === "string")))) {
            return reply.code(400).send({ error: 'Send {"ids": ["<message id>", ...]} to redrive some messages, or no body to redrive all.' });
        }
        const queue = (request.params as { queue: string }).queue;
        const redriven = await redriveTraced(engine, options.destinations, queue, ids as string[] | undefined);
        logger.info({ queue, redriven }, "redrove dead letters");
        return { redriven };
    });
}

/** A query parameter as a whole number in [min, max], `fallback` when absent; a sentence saying what is wrong otherwise. */
function whole(value: string | undefined, name: string, min: number, max: number, fallback: number): number | string {
    if (value === undefined || value === "") return fallback;
    const n = Number(value);
    if (/^\d+$/.test(value) && n >= min && n <= max) return n;
    return `The query parameter ${name} is ${JSON.stringify(value)}; send a whole number from ${min} to ${max}.`;
}

function parseJson(body: unknown): unknown {
    if (!Buffer.isBuffer(body) || body.length === 0) return undefined;
    try {
        return JSON.parse(body.toString("utf8"));
    } catch {
        return null;
    }
}
