import { createHash, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import type { Spec } from "../../components/spec";
import { createFrontEndHandler } from "../../workers/aws/front-end-handler";
import type { HttpApiEvent, HttpApiResult } from "../../workers/aws/http";
import type { JobStore, Logger } from "../../workers/runtime";
import type { QueueEngine } from "../engine/queue-engine";
import { LocalQueueError } from "../engine/types";
import type { AlarmState } from "../observability/alarms";
import { renderMetrics, type MetricsSnapshot } from "../observability/prometheus";
import { engineAsSqs, localQueueUrl } from "./sqs-bridge";

/** What the local front end serves. */
export interface LocalFrontEndOptions {
    spec: Spec;
    engine: QueueEngine;
    /** Job records, for `GET /jobs/{id}`. */
    jobs: JobStore;
    /** Required in `x-api-key` on the queue, job and dashboard API routes; undefined when the spec's auth is "none". */
    apiKey?: string;
    logger: Logger;
    /** Current numbers, for /metrics and the dashboard. */
    snapshot: () => MetricsSnapshot & { alarms: AlarmState[] };
}

const digest = (text: string) => createHash("sha256").update(text).digest();
const dashboardFile = path.join(__dirname, "..", "dashboard", "index.html");

/**
 * The local front end (Fastify on 127.0.0.1): the AWS front end's request handler for
 * `POST /queues/{queue}/messages` and `GET /jobs/{id}` (same validation, limits, status codes and
 * messages), `GET /metrics` in Prometheus text format, the dashboard at `/dashboard` and its JSON
 * API under `/api` (overview, dead letters, redrive).
 */
export function createLocalFrontEnd(options: LocalFrontEndOptions): FastifyInstance {
    const { spec, engine, jobs, apiKey, logger } = options;
    const maxBodyBytes = spec.frontEnd.maxBodyKb * 1024;
    const handle = createFrontEndHandler({
        queues: Object.fromEntries(spec.queues.map((q) => [q.name, { url: localQueueUrl(q.name), fifo: q.ordering === "fifo" }])),
        ...(apiKey !== undefined ? { apiKey: async () => apiKey } : {}),
        maxBodyBytes,
        sqs: engineAsSqs(engine),
        jobs,
        logger,
    });
    const dashboard = readFileSync(dashboardFile, "utf8");
    // Bodies up to twice the limit reach the handler, which answers 413 with the spec's limit.
    const app = Fastify({ logger: false, bodyLimit: 2 * maxBodyBytes });
    app.removeAllContentTypeParsers();
    app.addContentTypeParser("*", { parseAs: "buffer" }, (_request, body, done) => done(null, body));

    const viaHandler = (routeKey: string) => async (request: FastifyRequest, reply: FastifyReply) => {
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const event: HttpApiEvent = {
            routeKey,
            rawPath: request.url.split("?")[0],
            headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : v])),
            queryStringParameters: request.query as Record<string, string>,
            pathParameters: request.params as Record<string, string>,
            body: body.toString("base64"),
            isBase64Encoded: true,
        };
        return send(reply, await handle(event));
    };
    app.post("/queues/:queue/messages", viaHandler("POST /queues/{queue}/messages"));
    app.get("/jobs/:id", viaHandler("GET /jobs/{id}"));

    app.get("/metrics", async (_request, reply) => reply.type("text/plain; version=0.0.4; charset=utf-8").send(renderMetrics(options.snapshot())));
    app.get("/", async (_request, reply) => reply.redirect("/dashboard"));
    app.get("/dashboard", async (_request, reply) => reply.type("text/html; charset=utf-8").send(dashboard));

    const authorized = (request: FastifyRequest, reply: FastifyReply): boolean => {
        if (apiKey === undefined) return true;
        const given = request.headers["x-api-key"];
        if (typeof given === "string" && given !== "" && timingSafeEqual(digest(given), digest(apiKey))) return true;
        void reply.code(401).send({ error: "Missing or wrong x-api-key header. Send the key the runner printed at start." });
        return false;
    };
    app.get("/api/overview", async (request, reply) => {
        if (!authorized(request, reply)) return reply;
        const snapshot = options.snapshot();
        return {
            stack: spec.name,
            queues: snapshot.queues.map((q) => ({ ...q, fifo: engine.config(q.queue).fifo })),
            workers: spec.workers.map((w) => {
                const latency = snapshot.latencies.find((l) => l.worker === w.name);
                return { name: w.name, queue: w.queue, inFlight: snapshot.inFlightByWorker[w.name] ?? 0, p50Ms: latency?.p50Ms ?? null, p99Ms: latency?.p99Ms ?? null };
            }),
            alarms: snapshot.alarms,
        };
    });
    app.get("/api/queues/:queue/dead-letters", async (request, reply) => {
        if (!authorized(request, reply)) return reply;
        return { deadLetters: engine.deadLetters.list((request.params as { queue: string }).queue) };
    });
    app.post("/api/queues/:queue/redrive", async (request, reply) => {
        if (!authorized(request, reply)) return reply;
        const parsed = parseJson(request.body);
        const ids = (parsed as { ids?: unknown } | undefined)?.ids;
        if (parsed === null || (ids !== undefined && !(Array.isArray(ids) && ids.every((id) => typeof id === "string")))) {
            return reply.code(400).send({ error: 'Send {"ids": ["<message id>", ...]} to redrive some messages, or no body to redrive all.' });
        }
        const queue = (request.params as { queue: string }).queue;
        const redriven = await engine.group.run(() => engine.deadLetters.redrive(queue, ids as string[] | undefined));
        logger.info({ queue, redriven }, "redrove dead letters");
        return { redriven };
    });

    app.setNotFoundHandler(async (request, reply) =>
        reply.code(404).send({ error: `No route ${request.method} ${request.url.split("?")[0]}. Use POST /queues/{queue}/messages, GET /jobs/{id}, GET /metrics or /dashboard.` }),
    );
    app.setErrorHandler(async (error: Error & { statusCode?: number; code?: string }, _request, reply) => {
        if (error instanceof LocalQueueError) return reply.code(404).send({ error: error.message });
        if (error.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
            return reply.code(413).send({ error: `Request body is larger than ${maxBodyBytes} bytes, the limit (spec frontEnd.maxBodyKb). Split the batch into smaller requests.` });
        }
        if (error.statusCode && error.statusCode < 500) return reply.code(error.statusCode).send({ error: error.message });
        logger.error({ err: error }, "front end failed");
        return reply.code(500).send({ error: "The front end failed; see the runner's log." });
    });
    return app;
}

function send(reply: FastifyReply, result: HttpApiResult): FastifyReply {
    return reply.code(result.statusCode).headers(result.headers).send(result.body);
}

function parseJson(body: unknown): unknown {
    if (!Buffer.isBuffer(body) || body.length === 0) return undefined;
    try {
        return JSON.parse(body.toString("utf8"));
    } catch {
        return null;
    }
}
