import { statement, type LocalDatabase } from "./database";
import type { Delivery, LocalQueueConfig } from "./types";

/** The columns of a message the engine delivers. */
export interface MessageRow {
    seq: number;
    id: string;
    queue: string;
    body: string;
    attributes: string;
    group_key: string | null;
    deduplication_id: string | null;
    sent_at: number;
    receive_count: number;
    last_error: string | null;
}

const columns = "m.seq, m.id, m.queue, m.body, m.attributes, m.group_key, m.deduplication_id, m.sent_at, m.receive_count, m.last_error";

/**
 * The query for a queue's candidates (parameters @queue, @now, @limit). On FIFO queues it compares
 * group_key with `=`, which lets SQLite use the partial group index (rows with a group key only).
 */
export function candidatesSql(fifo: boolean): string {
    return fifo
        ? `SELECT ${columns} FROM messages m WHERE m.queue = @queue AND m.visible_at <= @now AND m.expires_at > @now
             AND m.seq = (SELECT MIN(g.seq) FROM messages g WHERE g.queue = m.queue AND g.group_key = m.group_key AND g.expires_at > @now)
           ORDER BY m.seq LIMIT @limit`
        : `SELECT ${columns} FROM messages m WHERE m.queue = @queue AND m.visible_at <= @now AND m.expires_at > @now ORDER BY m.seq LIMIT @limit`;
}

/** Visible, unexpired messages of a queue in send order; on FIFO queues only each group's head. */
export function candidates(db: LocalDatabase, config: LocalQueueConfig, now: number, limit: number): MessageRow[] {
    return statement(db, candidatesSql(config.fifo)).all({ queue: config.name, now, limit }) as MessageRow[];
}

/** A received row as the runtime's envelope, with the receipt that settles it. */
export function toDelivery(row: MessageRow, receipt: string): Delivery {
    return {
        id: row.id,
        queue: row.queue,
        receipt,
        body: row.body,
        attributes: JSON.parse(row.attributes) as Record<string, string>,
        attempt: row.receive_count + 1,
        enqueuedAt: new Date(row.sent_at),
        ...(row.group_key !== null ? { groupKey: row.group_key } : {}),
        ...(row.deduplication_id !== null ? { deduplicationId: row.deduplication_id } : {}),
    };
}
