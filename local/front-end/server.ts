import { readFileSync } from "node:fs";
import type { Socket } from "node:net";
import * as path from "node:path";
import type { default as Fastify, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { withOptionalPackages } from "../../components/optional-package";
import { queueLevels, type Spec } from "../../components/spec";
import { IntakeError, type BlobStore, type Logger, type RequestParts } from "../../workers/runtime";
import type { LocalJobStore } from "../datastore";
import { checkApiKey } from "../../workers/runtime/intake";
import type { QueueEngine } from "../engine/queue-engine";
import { LocalQueueError } from "../engine/types";
import type { AlarmState } from "../observability/alarms";
import { renderMetrics, type MetricsSnapshot } from "../observability/prometheus";
import { traceAccept } from "../../workers/runtime/tracing";
import { acceptedRequest, localDestinations } from "../tracing/local-spans";
import type { SqliteSpanStore } from "../tracing/span-store";
import { registerTimeline } from "../tracing/timeline-routes";
import { registerDashboardApi } from "./dashboard-api";
import { samplePage } from "./sample-page";
import { createLocalIntake, type IntakeAnswer } from "./intake";
import { acceptRawBodies, UndrainedBodyError } from "./request-body";
import type { SeenWork } from "./seen-work";

/** What the local front end serves. */
export interface LocalFrontEndOptions {
    spec: Spec;
    engine: QueueEngine;
    /** Job records, for `GET /jobs/{id}` and request-response waits. */
    jobs: LocalJobStore;
    /** Where claim-checked bodies are stored (spec largeMessages); required when it is enabled. */
    blobStore?: BlobStore;
    /** Required in `x-api-key` on the queue, job and dashboard API routes; undefined when the spec's auth is "none". */
    apiKey?: string;
    logger: Logger;
    /** The message that already did an item's work, for the 202 to say so. @default none known */
    seenWork?: SeenWork;
    /** Current numbers, for /metrics and the dashboard. */
    snapshot: () => MetricsSnapshot & { alarms: AlarmState[] };
    /** Recorded spans, for the dashboard's job timeline. @default none: the timeline answers 404 */
    spans?: SqliteSpanStore;
}

const dashboardFile = path.join(__dirname, "..", "dashboard", "index.html");

/**
 * The local front end (Fastify on 127.0.0.1): `POST /queues/{queue}/messages`,
 * `POST /topics/{topic}` and `GET /jobs/{id}` through the local intake (the runtime's shared
 * checks, routing and messages, so status codes and errors match the clouds), `GET /metrics` in
 * Prometheus text format, a sample article at `/sample` (what the banner's "Try" command sends), the dashboard at `/dashboard` and its JSON API under `/api` (overview,
 * dead letters, redrive).
 */
export function createLocalFrontEnd(options: LocalFrontEndOptions): FastifyInstance {
    const { spec, engine, jobs, apiKey, logger } = options;
    const maxBodyBytes = spec.frontEnd.maxBodyKb * 1024;
    const intake = createLocalIntake({ spec, engine, jobs, ...(options.blobStore ? { blobStore: options.blobStore } : {}), ...(options.seenWork ? { seenWork: options.seenWork } : {}), logger });
    const dashboard = readFileSync(dashboardFile, "utf8");
    // Each engine queue's sender address: its spec queue, and its priority level when it is one.
    const destinations = localDestinations(spec);
    const sendTargets = new Map(spec.queues.flatMap((q) => queueLevels(q).map((l) => [l.name, { queue: q.name, ...(l.level ? { level: l.level } : {}) }] as const)));
    // Fastify's own answers (a URL it cannot decode, a request it cannot parse) in the documented { "error" } shape.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- an optional peer, loaded when the local front end starts
    const createServer = withOptionalPackages("the local target", ["fastify"], () => require("fastify") as typeof Fastify);
    const app = createServer({
        logger: false,
        frameworkErrors: (error, request, reply) =>
            (reply as FastifyReply).code(400).send({ error: `The URL ${JSON.stringify(request.url)} is not valid percent-encoding (${error.message}). Encode path segments with encodeURIComponent.` }),
        clientErrorHandler: answerMalformedRequest,
    });
    acceptRawBodies(app, maxBodyBytes);

    const answer = (reply: FastifyReply, result: IntakeAnswer) => reply.code(result.statusCode).send(result.body);
    const viaIntake = (run: (request: FastifyRequest, parts: RequestParts, body: Buffer) => Promise<IntakeAnswer>) =>
        async (request: FastifyRequest, reply: FastifyReply) => {
            const parts = requestParts(request);
            try {
                if (apiKey !== undefined) checkApiKey(parts.header("x-api-key"), apiKey);
                return answer(reply, await traceAccept(acceptedRequest(request, parts), () => run(request, parts, Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0))));
            } catch (error) {
                if (error instanceof IntakeError) return answer(reply, { statusCode: error.statusCode, body: { error: error.message } });
                logger.error({ err: error }, "front end failed");
                return answer(reply, { statusCode: 500, body: { error: "The front end failed; see its logs." } });
            }
        };
    const param = (request: FastifyRequest, name: string) => (request.params as Record<string, string>)[name]!;
    app.post("/queues/:queue/messages", viaIntake((request, parts, body) => intake.enqueue(param(request, "queue"), parts, body)));
    app.post("/topics/:topic", viaIntake((request, parts, body) => intake.publish(param(request, "topic"), parts, body)));
    app.get("/jobs/:id", viaIntake((request) => intake.status(param(request, "id"))));

    app.get("/metrics", async (_request, reply) => reply.type("text/plain; version=0.0.4; charset=utf-8").send(renderMetrics(options.snapshot())));
    app.get("/", async (_request, reply) => reply.redirect("/dashboard"));
    // Public, like the dashboard's page: the worker fetches it without the API key.
    app.get(samplePage.path, async (_request, reply) => reply.type("text/html; charset=utf-8").send(samplePage.html));
    app.get("/dashboard", async (_request, reply) => reply.type("text/html; charset=utf-8").send(dashboard));

    const authorized = (request: FastifyRequest, reply: FastifyReply): boolean => {
        if (apiKey === undefined) return true;
        const given = request.headers["x-api-key"];
        try {
            checkApiKey(typeof given === "string" ? given : undefined, apiKey);
            return true;
        } catch {
            // The dashboard API's own answer: its key is the one the runner printed.
            void reply.code(401).send({ error: "Missing or wrong x-api-key header. Send the key the runner printed at start." });
            return false;
        }
    };
    registerTimeline(app, options.spans, authorized);
    registerDashboardApi(app, { spec, engine, logger, snapshot: options.snapshot, destinations, sendTargets, authorized });

    app.setNotFoundHandler(async (request, reply) =>
        reply.code(404).send({ error: `No route ${request.method} ${request.url.split("?")[0]}. Use POST /queues/{queue}/messages, POST /topics/{topic}, GET /jobs/{id}, GET /metrics or /dashboard.` }),
    );
    app.setErrorHandler(async (error: Error & { statusCode?: number; code?: string }, _request, reply) => {
        if (error instanceof LocalQueueError) return reply.code(404).send({ error: error.message });
        if (error instanceof UndrainedBodyError) void reply.header("connection", "close");
        if (error instanceof IntakeError) return reply.code(error.statusCode).send({ error: error.message });
        if (error.statusCode && error.statusCode < 500) return reply.code(error.statusCode).send({ error: error.message });
        logger.error({ err: error }, "front end failed");
        return reply.code(500).send({ error: "The front end failed; see the runner's log." });
    });
    return app;
}

/** Answers a request Node's HTTP parser refused (bad request line or headers) with 400, or 431 for oversized headers, as `{ "error" }`. */
function answerMalformedRequest(error: Error & { code?: string }, socket: Socket): void {
    if (error.code === "ECONNRESET" || !socket.writable) {
        socket.destroy();
        return;
    }
    const [status, reason, text] = error.code === "HPE_HEADER_OVERFLOW"
        ? [431, "Request Header Fields Too Large", "The request's headers are too large. Send fewer or shorter headers."]
        : [400, "Bad Request", `The request is not valid HTTP/1.1 (${error.code ?? error.message}). Check the request line, the headers and the body's framing.`];
    const body = JSON.stringify({ error: text });
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/** The headers (lower-case names, repeated ones joined by ",") and query parameters (the first of repeated ones) routing reads. */
function requestParts(request: FastifyRequest): RequestParts {
    const query = (request.query ?? {}) as Record<string, string | string[] | undefined>;
    return {
        header: (name) => {
            const value = request.headers[name];
            return Array.isArray(value) ? value.join(",") : value;
        },
        query: (name) => {
            const value = Object.hasOwn(query, name) ? query[name] : undefined;
            return Array.isArray(value) ? value[0] : value;
        },
    };
}
