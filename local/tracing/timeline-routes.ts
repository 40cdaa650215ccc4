import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { SqliteSpanStore } from "./span-store";
import { timelineOf } from "./timeline";

const timelineFile = path.join(__dirname, "..", "dashboard", "timeline.html");

/**
 * The dashboard's job timeline: the page at `/dashboard/timeline#id=<message id>` and its data at
 * `GET /api/jobs/{id}/trace` (the job's spans and steps), behind the dashboard's API key.
 */
export function registerTimeline(app: FastifyInstance, spans: SqliteSpanStore | undefined, authorized: (request: FastifyRequest, reply: FastifyReply) => boolean): void {
    const page = readFileSync(timelineFile, "utf8");
    app.get("/dashboard/timeline", async (_request, reply) => reply.type("text/html; charset=utf-8").send(page));
    app.get("/api/jobs/:id/trace", async (request, reply) => {
        if (!authorized(request, reply)) return reply;
        if (!spans) return reply.code(404).send({ error: "This runner records no traces: tracing is opt-in locally. Restart it with `npm start -- --trace` (or QUEUESTACK_TRACING=on), and without OTEL_SDK_DISABLED=true." });
        const id = (request.params as { id: string }).id;
        const found = spans.spansOf(id);
        if (found.length === 0) return reply.code(404).send({ error: `No spans for message "${id}": it was sent before tracing was on, or its spans have expired.` });
        return { id, steps: timelineOf(found), spans: found };
    });
}
