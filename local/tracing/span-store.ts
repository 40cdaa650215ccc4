import { ExportResultCode, hrTimeToMilliseconds, type ExportResult } from "@opentelemetry/core";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";
import { statement, type GroupCommit, type LocalDatabase } from "../engine/database";
import { semconv } from "../../workers/runtime/tracing/semconv";

/**
 * Two tables, laid out so a job's spans cost about one appended row per message per export batch
 * (its send, attempt and settlement usually end within one batch), indexed by message id (UUID v7,
 * so the index grows at its end rather than taking a scattered insert per span):
 * - `trace_messages`: the spans about one message ended within one export batch, as a JSON array
 *   of StoredSpan; a span about several messages (a redrive's links) is stored under each;
 * - `trace_roots`: spans about no message (the front end's request, the parent of a dashboard or
 *   CLI redrive), keyed by their ids, found as the ancestors of a job's spans.
 * The earlier layout (`spans`, and a `span_messages` row per span) held only local timelines, kept
 * `datastore.ttlDays`; it is dropped.
 */
const schema = `
DROP TABLE IF EXISTS span_messages;
DROP TABLE IF EXISTS spans;
CREATE TABLE IF NOT EXISTS trace_messages (
    message_id TEXT NOT NULL,
    spans TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS trace_messages_id ON trace_messages (message_id);
CREATE TABLE IF NOT EXISTS trace_roots (
    trace_id TEXT NOT NULL,
    span_id TEXT NOT NULL,
    span TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (trace_id, span_id)
);
`;

/** One stored span, as the dashboard's timeline reads it. */
export interface StoredSpan {
    traceId: string;
    spanId: string;
    parentSpanId?: string;
    name: string;
    /** OpenTelemetry SpanKind: 0 internal, 1 server, 2 client, 3 producer, 4 consumer. */
    kind: number;
    /** Milliseconds since the epoch. */
    startMs: number;
    endMs: number;
    /** 0 unset, 1 ok, 2 error. */
    status: number;
    statusMessage?: string;
    attributes: Record<string, unknown>;
    links: { traceId: string; spanId: string; attributes: Record<string, unknown> }[];
}

/** The message ids a span is about: its own `messaging.message.id` and those on its links (a redrive's batch). */
function messageIdsOf(span: ReadableSpan): string[] {
    const own = span.attributes[semconv.messageId];
    if (span.links.length === 0) return typeof own === "string" ? [own] : [];
    const ids = [own, ...span.links.map((link) => link.attributes?.[semconv.messageId])];
    return [...new Set(ids.filter((id): id is string => typeof id === "string"))];
}

/** A span as stored (StoredSpan). */
function stored(span: ReadableSpan): StoredSpan {
    const { traceId, spanId } = span.spanContext();
    return {
        traceId,
        spanId,
        ...(span.parentSpanId !== undefined ? { parentSpanId: span.parentSpanId } : {}),
        name: span.name,
        kind: span.kind,
        startMs: hrTimeToMilliseconds(span.startTime),
        endMs: hrTimeToMilliseconds(span.endTime),
        status: span.status.code,
        ...(span.status.message !== undefined ? { statusMessage: span.status.message } : {}),
        attributes: span.attributes,
        links: span.links.map((link) => ({ traceId: link.context.traceId, spanId: link.context.spanId, attributes: link.attributes ?? {} })),
    };
}

/**
 * The local target's trace store: an OpenTelemetry span exporter writing to the stack's SQLite file
 * (tables `trace_messages` and `trace_roots`, in the engine's group commit), kept
 * `retentionSeconds`, and the dashboard's query for one job's spans.
 */
export class SqliteSpanStore implements SpanExporter {
    constructor(
        private readonly db: LocalDatabase,
        private readonly group: GroupCommit,
        private readonly retentionSeconds: number,
        private readonly now: () => number = Date.now,
    ) {
        db.exec(schema);
    }

    export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
        if (!this.db.open) return done({ code: ExportResultCode.FAILED, error: new Error("the local database is closed") });
        try {
            const expiresAt = this.now() + this.retentionSeconds * 1000;
            const byMessage = new Map<string, StoredSpan[]>();
            const roots: StoredSpan[] = [];
            for (const span of spans) {
                const ids = messageIdsOf(span);
                const row = stored(span);
                if (ids.length === 0) roots.push(row);
                for (const id of ids) {
                    const list = byMessage.get(id);
                    if (list) list.push(row);
                    else byMessage.set(id, [row]);
                }
            }
            this.group.runNow(() => {
                const message = statement(this.db, "INSERT INTO trace_messages (message_id, spans, expires_at) VALUES (?, ?, ?)");
                for (const [id, list] of byMessage) message.run(id, JSON.stringify(list), expiresAt);
                const root = statement(this.db, "INSERT OR REPLACE INTO trace_roots (trace_id, span_id, span, expires_at) VALUES (?, ?, ?, ?)");
                for (const span of roots) root.run(span.traceId, span.spanId, JSON.stringify(span), expiresAt);
            });
            done({ code: ExportResultCode.SUCCESS });
        } catch (error) {
            done({ code: ExportResultCode.FAILED, error: error as Error });
        }
    }

    async shutdown(): Promise<void> {}

    /**
     * A job's spans, oldest first: every span about message `id` (its sends, attempts, settlements
     * and redrives) and their ancestors (the front-end request that accepted it).
     */
    spansOf(id: string): StoredSpan[] {
        const now = this.now();
        const rows = statement(this.db, "SELECT spans FROM trace_messages WHERE message_id = ? AND expires_at > ?").all(id, now) as { spans: string }[];
        const found = new Map<string, StoredSpan>();
        for (const row of rows) for (const span of JSON.parse(row.spans) as StoredSpan[]) found.set(`${span.traceId}/${span.spanId}`, span);
        const root = statement(this.db, "SELECT span FROM trace_roots WHERE trace_id = ? AND span_id = ? AND expires_at > ?");
        let parents = [...found.values()];
        while (parents.length > 0) {
            const next: StoredSpan[] = [];
            for (const span of parents) {
                if (span.parentSpanId === undefined || found.has(`${span.traceId}/${span.parentSpanId}`)) continue;
                const row = root.get(span.traceId, span.parentSpanId, now) as { span: string } | undefined;
                if (!row) continue;
                const parent = JSON.parse(row.span) as StoredSpan;
                found.set(`${parent.traceId}/${parent.spanId}`, parent);
                next.push(parent);
            }
            parents = next;
        }
        return [...found.values()].sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
    }

    /** Drops spans past their retention. */
    sweep(): number {
        const now = this.now();
        return this.db.transaction(() =>
            statement(this.db, "DELETE FROM trace_messages WHERE expires_at <= ?").run(now).changes + statement(this.db, "DELETE FROM trace_roots WHERE expires_at <= ?").run(now).changes,
        )();
    }
}
