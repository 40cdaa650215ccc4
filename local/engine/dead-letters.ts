import { atomic, statement, type LocalDatabase } from "./database";
import type { DeadLetter, LocalQueueConfig } from "./types";

/** A dead letter as a list shows it: the start of its body and reason, and their full lengths. */
export interface DeadLetterPreview {
    id: string;
    /** The body's first characters (the page's previewChars). */
    bodyPreview: string;
    /** The whole body's size in UTF-8 bytes (read from the row header, not the body). */
    bodyBytes: number;
    groupKey?: string;
    receiveCount: number;
    /** The reason's first characters (the page's previewChars). */
    reasonPreview: string;
    /** The whole reason's size in UTF-8 bytes. */
    reasonBytes: number;
    sentAt: Date;
    deadLetteredAt: Date;
}

interface DeadLetterRow {
    id: string;
    queue: string;
    body: string;
    attributes: string;
    group_key: string | null;
    receive_count: number;
    reason: string;
    sent_at: number;
    dead_lettered_at: number;
}

/**
 * The dead-letter queues of the local engine: one table, a row per message with its original
 * body, attributes, group key, send time, receive count and the reason it was moved.
 */
export class DeadLetterQueues {
    constructor(
        private readonly db: LocalDatabase,
        private readonly config: (queue: string) => LocalQueueConfig,
        private readonly now: () => number,
    ) {}

    /** Moves a message from its queue to the queue's dead-letter queue, with `reason`. Call inside a transaction. */
    move(id: string, reason: string): void {
        const now = this.now();
        const row = statement(this.db, "SELECT queue FROM messages WHERE id = ?").get(id) as { queue: string } | undefined;
        if (!row) return;
        const keepMs = this.config(row.queue).deadLetterRetentionSeconds * 1000;
        statement(
            this.db,
            `INSERT INTO dead_letters (id, queue, body, attributes, group_key, deduplication_id, sent_at, receive_count, reason, dead_lettered_at, expires_at)
             SELECT id, queue, body, attributes, group_key, deduplication_id, sent_at, receive_count, ?, ?, ? FROM messages WHERE id = ?`,
        ).run(reason, now, now + keepMs, id);
        statement(this.db, "DELETE FROM messages WHERE id = ?").run(id);
    }

    /** Messages in a queue's dead-letter queue, oldest first. */
    list(queue: string, limit = 100): DeadLetter[] {
        this.config(queue);
        const rows = statement(
            this.db,
            "SELECT id, queue, body, attributes, group_key, receive_count, reason, sent_at, dead_lettered_at FROM dead_letters WHERE queue = ? AND expires_at > ? ORDER BY seq LIMIT ?",
        ).all(queue, this.now(), limit) as DeadLetterRow[];
        return rows.map(toDeadLetter);
    }

    /**
     * One page of a queue's dead-letter queue, oldest first, without loading whole bodies: each
     * body and reason is cut to its first `previewChars` characters (SQLite's substr), with its
     * full size in bytes beside it. `total` counts the whole queue.
     */
    page(queue: string, options: { offset: number; limit: number; previewChars: number }): { total: number; deadLetters: DeadLetterPreview[] } {
        this.config(queue);
        const rows = statement(
            this.db,
            `SELECT id, substr(body, 1, ?) AS body, octet_length(body) AS body_bytes, group_key, receive_count, substr(reason, 1, ?) AS reason, octet_length(reason) AS reason_bytes, sent_at, dead_lettered_at
             FROM dead_letters WHERE queue = ? AND expires_at > ? ORDER BY seq LIMIT ? OFFSET ?`,
        ).all(options.previewChars, options.previewChars, queue, this.now(), options.limit, options.offset) as (DeadLetterRow & { body_bytes: number; reason_bytes: number })[];
        return {
            total: this.depth(queue),
            deadLetters: rows.map((row) => ({
                id: row.id,
                bodyPreview: row.body,
                bodyBytes: row.body_bytes,
                ...(row.group_key !== null ? { groupKey: row.group_key } : {}),
                receiveCount: row.receive_count,
                reasonPreview: row.reason,
                reasonBytes: row.reason_bytes,
                sentAt: new Date(row.sent_at),
                deadLetteredAt: new Date(row.dead_lettered_at),
            })),
        };
    }

    /** One dead letter, whole; undefined when `id` is not in the queue's dead-letter queue. */
    get(queue: string, id: string): DeadLetter | undefined {
        this.config(queue);
        const row = statement(
            this.db,
            "SELECT id, queue, body, attributes, group_key, receive_count, reason, sent_at, dead_lettered_at FROM dead_letters WHERE queue = ? AND id = ? AND expires_at > ?",
        ).get(queue, id, this.now()) as DeadLetterRow | undefined;
        return row ? toDeadLetter(row) : undefined;
    }

    /** Messages in a queue's dead-letter queue. */
    depth(queue: string): number {
        return (statement(this.db, "SELECT COUNT(*) AS n FROM dead_letters WHERE queue = ? AND expires_at > ?").get(queue, this.now()) as { n: number }).n;
    }

    /**
     * Moves dead-lettered messages back to their queue (all, or those in `ids`), visible now, with
     * their id, body, attributes and group key, a fresh receive count and a fresh enqueue time (the
     * wait that priority promotion measures starts again). Returns how many moved. `attributesOf`
     * may give a message new attributes (a redrive's trace context).
     */
    redrive(queue: string, ids?: string[], attributesOf?: (id: string) => Record<string, string> | undefined): number {
        const config = this.config(queue);
        const now = this.now();
        const wanted = ids ? new Set(ids) : undefined;
        return atomic(this.db, () => {
            const rows = (statement(this.db, "SELECT id, sent_at FROM dead_letters WHERE queue = ? ORDER BY seq").all(queue) as { id: string; sent_at: number }[])
                .filter((row) => !wanted || wanted.has(row.id));
            for (const row of rows) {
                statement(
                    this.db,
                    `INSERT INTO messages (id, queue, body, attributes, group_key, deduplication_id, sent_at, visible_at, enqueued_at, expires_at)
                     SELECT id, queue, body, COALESCE(?, attributes), group_key, deduplication_id, sent_at, ?, ?, ? FROM dead_letters WHERE id = ?`,
                ).run(attributesJson(attributesOf?.(row.id)), now, now, now + config.retentionSeconds * 1000, row.id);
                statement(this.db, "DELETE FROM dead_letters WHERE id = ?").run(row.id);
            }
            return rows.length;
        });
    }
}

const toDeadLetter = (row: DeadLetterRow): DeadLetter => ({
    id: row.id,
    queue: row.queue,
    body: row.body,
    attributes: JSON.parse(row.attributes) as Record<string, string>,
    ...(row.group_key !== null ? { groupKey: row.group_key } : {}),
    receiveCount: row.receive_count,
    reason: row.reason,
    sentAt: new Date(row.sent_at),
    deadLetteredAt: new Date(row.dead_lettered_at),
});

const attributesJson = (attributes: Record<string, string> | undefined) => (attributes ? JSON.stringify(attributes) : null);
