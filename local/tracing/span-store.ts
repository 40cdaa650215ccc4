import { ExportResultCode, hrTimeToMilliseconds, type ExportResult } from "@opentelemetry/core";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";
import { statement, type GroupCommit, type LocalDatabase } from "../engine/database";
import { semconv } from "../../workers/runtime/tracing/semconv";

const schema = `
CREATE TABLE IF NOT EXISTS spans (
    trace_id TEXT NOT NULL,
    span_id TEXT NOT NULL,
    parent_span_id TEXT,
    name TEXT NOT NULL,
    kind INTEGER NOT NULL,
    start_ms REAL NOT NULL,
    end_ms REAL NOT NULL,
    status INTEGER NOT NULL,
    status_message TEXT,
    attributes TEXT NOT NULL,
    links TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (trace_id, span_id)
);
CREATE TABLE IF NOT EXISTS span_messages (
    message_id TEXT NOT NULL,
    trace_id TEXT NOT NULL,
    span_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS span_messages_id ON span_messages (message_id);
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

interface SpanRow {
    trace_id: string;
    span_id: string;
    parent_span_id: string | null;
    name: string;
    kind: number;
    start_ms: number;
    end_ms: number;
    status: number;
    status_message: string | null;
    attributes: string;
    links: string;
}

/** The message ids a span is about: its own `messaging.message.id` and those on its links (a redrive's batch). */
function messageIdsOf(span: ReadableSpan): string[] {
    const ids = [span.attributes[semconv.messageId], ...span.links.map((link) => link.attributes?.[semconv.messageId])];
    return [...new Set(ids.filter((id): id is string => typeof id === "string"))];
}

/**
 * The local target's trace store: an OpenTelemetry span exporter writing to the stack's SQLite file
 * (tables `spans` and `span_messages`, in the engine's group commit), kept `retentionSeconds`, and
 * the dashboard's query for one job's spans.
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
            this.group.runNow(() => {
                const insert = statement(this.db, `INSERT OR REPLACE INTO spans (trace_id, span_id, parent_span_id, name, kind, start_ms, end_ms, status, status_message, attributes, links, expires_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
                const index = statement(this.db, "INSERT INTO span_messages (message_id, trace_id, span_id) VALUES (?, ?, ?)");
                for (const span of spans) {
                    const { traceId, spanId } = span.spanContext();
                    const links = span.links.map((link) => ({ traceId: link.context.traceId, spanId: link.context.spanId, attributes: link.attributes ?? {} }));
                    insert.run(traceId, spanId, span.parentSpanId ?? null, span.name, span.kind, hrTimeToMilliseconds(span.startTime), hrTimeToMilliseconds(span.endTime),
                        span.status.code, span.status.message ?? null, JSON.stringify(span.attributes), JSON.stringify(links), expiresAt);
                    for (const id of messageIdsOf(span)) index.run(id, traceId, spanId);
                }
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
        const rows = statement(this.db, `
            WITH RECURSIVE chain(trace_id, span_id) AS (
                SELECT trace_id, span_id FROM span_messages WHERE message_id = @id
                UNION
                SELECT parent.trace_id, parent.span_id FROM chain
                    JOIN spans child ON child.trace_id = chain.trace_id AND child.span_id = chain.span_id
                    JOIN spans parent ON parent.trace_id = child.trace_id AND parent.span_id = child.parent_span_id
            )
            SELECT spans.* FROM spans JOIN chain USING (trace_id, span_id) WHERE spans.expires_at > @now ORDER BY spans.start_ms, spans.end_ms`).all({ id, now: this.now() }) as SpanRow[];
        return rows.map((row) => ({
            traceId: row.trace_id,
            spanId: row.span_id,
            ...(row.parent_span_id !== null ? { parentSpanId: row.parent_span_id } : {}),
            name: row.name,
            kind: row.kind,
            startMs: row.start_ms,
            endMs: row.end_ms,
            status: row.status,
            ...(row.status_message !== null ? { statusMessage: row.status_message } : {}),
            attributes: JSON.parse(row.attributes) as Record<string, unknown>,
            links: JSON.parse(row.links) as StoredSpan["links"],
        }));
    }

    /** Drops spans past their retention. */
    sweep(): number {
        const now = this.now();
        return this.db.transaction(() => {
            statement(this.db, "DELETE FROM span_messages WHERE NOT EXISTS (SELECT 1 FROM spans s WHERE s.trace_id = span_messages.trace_id AND s.span_id = span_messages.span_id AND s.expires_at > ?)").run(now);
            return statement(this.db, "DELETE FROM spans WHERE expires_at <= ?").run(now).changes;
        })();
    }
}
