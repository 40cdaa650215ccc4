import { createHash, randomUUID } from "node:crypto";
import { atomic, groupCommit, statement, type GroupCommit, type LocalDatabase } from "./database";
import { DeadLetterQueues } from "./dead-letters";
import { candidates, toDelivery } from "./message-rows";
import { LocalQueueError, type Delivery, type LocalQueueConfig, type QueueStats, type SendOptions, type SendResult } from "./types";

/** How the engine runs. */
export interface QueueEngineOptions {
    /** The clock, in milliseconds. @default Date.now */
    now?: () => number;
    /** Marks messages received by this process, so a restart can return a crashed run's messages. @default a random id */
    owner?: string;
}

const defaultDeduplicationWindowSeconds = 300;

/**
 * A new message id: a UUID version 7 (RFC 9562: 48-bit Unix milliseconds, then random bits), so
 * ids made close in time sort close together and the id index and the job records keyed by it
 * take each new id on the same few pages, not on a random page per message as a version 4 would.
 */
export function timeOrderedId(now: number = Date.now()): string {
    // The random bits of a version 4 UUID (node:crypto draws those from a buffered pool, where
    // randomBytes(16) asks the system for each id) under the 48-bit time and the version 7 nibble;
    // the variant bits (8-b) stay as version 4 set them.
    const random = randomUUID();
    const time = now.toString(16).padStart(12, "0");
    return `${time.slice(0, 8)}-${time.slice(8)}-7${random.slice(15)}`;
}

/**
 * The row a receipt settles: receipts are `<seq>.<random uuid>`, so settling finds the row by its
 * primary key (no receipt index to write on every receive and delete) and the uuid part keeps an
 * older receipt of the same row stale. Anything else names no row.
 */
function seqOf(receipt: string): number {
    const seq = Number(receipt.slice(0, receipt.indexOf(".")));
    return Number.isSafeInteger(seq) && seq > 0 ? seq : -1;
}

/**
 * A durable message queue on SQLite with SQS semantics: delays, visibility timeouts, receive counts
 * with dead-lettering after maxReceiveCount, retention, FIFO groups (one message in flight per
 * group, in send order), deduplication windows and redrive. Every call is one transaction,
 * committed to disk (WAL, synchronous FULL) before it returns.
 */
export class QueueEngine {
    readonly owner: string;
    readonly deadLetters: DeadLetterQueues;
    /** Batches the writes of concurrent callers into one durable commit (see GroupCommit). */
    readonly group: GroupCommit;
    private readonly queues = new Map<string, LocalQueueConfig>();
    private readonly now: () => number;
    private readonly listeners = new Set<(queue: string) => void>();

    constructor(
        private readonly db: LocalDatabase,
        queues: LocalQueueConfig[],
        options: QueueEngineOptions = {},
    ) {
        for (const queue of queues) this.queues.set(queue.name, queue);
        this.now = options.now ?? Date.now;
        this.owner = options.owner ?? randomUUID();
        this.deadLetters = new DeadLetterQueues(db, (name) => this.config(name), this.now);
        this.group = groupCommit(db);
    }

    /** The queue names, in spec order. */
    get queueNames(): string[] {
        return [...this.queues.keys()];
    }

    /** The settings of a queue; throws LocalQueueError for an unknown name. */
    config(queue: string): LocalQueueConfig {
        const config = this.queues.get(queue);
        if (!config) throw new LocalQueueError(`Unknown queue "${queue}". Known queues: ${this.queueNames.join(", ")}.`);
        return config;
    }

    /** Calls `listener(queue)` soon after every send that enqueued something; returns the unsubscribe. */
    onSent(listener: (queue: string) => void): () => void {
        this.listeners.add(listener);
        return () => this.listeners.delete(listener);
    }

    /** Enqueues one message. */
    send(queue: string, body: string, options: SendOptions = {}): SendResult {
        return this.sendBatch(queue, [{ body, ...options }])[0];
    }

    /** Enqueues messages in one transaction: all are stored, or none (on error). */
    sendBatch(queue: string, messages: (SendOptions & { body: string })[]): SendResult[] {
        return this.sendMany(messages.map((message) => ({ ...message, queue })));
    }

    /**
     * Enqueues messages to several queues in one transaction: all are stored, or none (on error).
     * Fan-out uses it to put one copy of an event into each subscriber queue.
     */
    sendMany(messages: (SendOptions & { queue: string; body: string })[]): SendResult[] {
        const configs = messages.map((message) => this.config(message.queue));
        const results = atomic(this.db, () => messages.map((message, i) => this.insert(configs[i], message)));
        this.notify(new Set(messages.filter((_, i) => !results[i].duplicate).map((m) => m.queue)));
        return results;
    }

    /**
     * Priority promotion: moves the messages of `from` that have waited at least `afterSeconds`
     * since they became due (their enqueue time, kept across moves) and are not in flight to the
     * queue `to`, in one transaction. A moved message keeps its id, body, attributes, enqueue time,
     * send order and receive count (the count is the message's, so promotion never buys a failing
     * message extra attempts). Returns how many moved.
     */
    promote(from: string, to: string, afterSeconds: number): number {
        this.config(from);
        this.config(to);
        const now = this.now();
        const moved = this.sql(
            `UPDATE messages SET queue = @to
             WHERE queue = @from AND enqueued_at <= @cutoff AND visible_at <= @now AND expires_at > @now`,
        ).run({ from, to, now, cutoff: now - afterSeconds * 1000 }).changes;
        if (moved > 0) this.notify(new Set([to]));
        return moved;
    }

    /** Tells listeners which queues got messages: on the next turn, after an open group commit has put them on disk. */
    private notify(queues: Set<string>): void {
        if (queues.size === 0) return;
        if (this.db.inTransaction) this.group.uncommitted.add("messages");
        setImmediate(() => queues.forEach((queue) => this.listeners.forEach((listener) => listener(queue))));
    }

    /**
     * Receives up to `max` visible messages, hiding each for the visibility timeout. A message that
     * has already been received maxReceiveCount times goes to the dead-letter queue instead.
     */
    receive(queue: string, max: number, visibilityTimeoutSeconds?: number): Delivery[] {
        const config = this.config(queue);
        const hideMs = 1000 * (visibilityTimeoutSeconds ?? config.visibilityTimeoutSeconds);
        return atomic(this.db, () => {
            const deliveries: Delivery[] = [];
            while (deliveries.length < max) {
                const now = this.now();
                const rows = candidates(this.db, config, now, max - deliveries.length);
                if (rows.length === 0) break;
                for (const row of rows) {
                    if (row.receive_count >= config.maxReceiveCount) {
                        const last = row.last_error ? `; last error: ${row.last_error}` : "";
                        this.deadLetters.move(row.id, `received ${row.receive_count} times without being deleted (maxReceiveCount ${config.maxReceiveCount})${last}`);
                        continue;
                    }
                    const receipt = `${row.seq}.${randomUUID()}`;
                    this.sql("UPDATE messages SET receive_count = receive_count + 1, receipt = ?, owner = ?, visible_at = ? WHERE seq = ?")
                        .run(receipt, this.owner, now + hideMs, row.seq);
                    deliveries.push(toDelivery(row, receipt));
                }
            }
            return deliveries;
        });
    }

    /** Whether the queue has a message visible now (for a FIFO queue: possibly behind its group's message in flight). */
    hasVisible(queue: string): boolean {
        this.config(queue);
        const now = this.now();
        return this.sql("SELECT 1 FROM messages WHERE queue = ? AND visible_at <= ? AND expires_at > ? LIMIT 1").get(queue, now, now) !== undefined;
    }

    /** Deletes received messages (done). Returns how many receipts were still valid. */
    delete(receipts: string[]): number {
        const remove = this.sql("DELETE FROM messages WHERE seq = ? AND receipt = ?");
        return atomic(this.db, () => receipts.reduce((n, receipt) => n + remove.run(seqOf(receipt), receipt).changes, 0));
    }

    /** Hides (or, with 0, shows) a received message for `seconds` from now. False when the receipt is stale. */
    changeVisibility(receipt: string, seconds: number): boolean {
        return this.sql("UPDATE messages SET visible_at = ? WHERE seq = ? AND receipt = ?").run(this.now() + seconds * 1000, seqOf(receipt), receipt).changes === 1;
    }

    /**
     * A failed attempt: dead-letters the message with `reason` when it has used its maxReceiveCount
     * deliveries, else makes it visible again after `delaySeconds`.
     */
    release(receipt: string, reason: string, delaySeconds: number): "retry" | "dead-letter" | "stale" {
        return atomic(this.db, () => {
            const row = this.sql("SELECT id, queue, receive_count FROM messages WHERE seq = ? AND receipt = ?").get(seqOf(receipt), receipt) as
                | { id: string; queue: string; receive_count: number }
                | undefined;
            if (!row) return "stale" as const;
            const { maxReceiveCount } = this.config(row.queue);
            if (row.receive_count >= maxReceiveCount) {
                this.deadLetters.move(row.id, reason);
                return "dead-letter" as const;
            }
            this.sql("UPDATE messages SET receipt = NULL, owner = NULL, last_error = ?, visible_at = ? WHERE id = ?")
                .run(reason, this.now() + delaySeconds * 1000, row.id);
            return "retry" as const;
        });
    }

    /** Moves a received message to the dead-letter queue at once (retrying cannot help). */
    deadLetter(receipt: string, reason: string): boolean {
        return atomic(this.db, () => {
            const row = this.sql("SELECT id FROM messages WHERE seq = ? AND receipt = ?").get(seqOf(receipt), receipt) as { id: string } | undefined;
            if (row) this.deadLetters.move(row.id, reason);
            return row !== undefined;
        });
    }

    /**
     * Returns received messages to the queue, visible now, without counting the delivery
     * (a stopping worker hands back work it did not finish).
     */
    returnToQueue(receipts: string[]): number {
        const giveBack = this.sql(
            "UPDATE messages SET receipt = NULL, owner = NULL, visible_at = ?, receive_count = MAX(receive_count - 1, 0) WHERE seq = ? AND receipt = ?",
        );
        return atomic(this.db, () => receipts.reduce((n, receipt) => n + giveBack.run(this.now(), seqOf(receipt), receipt).changes, 0));
    }

    /**
     * Makes messages that an earlier run of the runner had received visible at once: that run is
     * gone (one runner owns a data directory), so their visibility timeouts need not be waited out.
     * The interrupted delivery still counts toward maxReceiveCount.
     */
    recoverAbandoned(): number {
        return this.sql("UPDATE messages SET receipt = NULL, owner = NULL, visible_at = MIN(visible_at, ?) WHERE receipt IS NOT NULL AND owner IS NOT ?")
            .run(this.now(), this.owner).changes;
    }

    /** Drops messages past retention, dead letters past theirs and ended deduplication windows. */
    sweep(): { expired: number; deadLettersExpired: number } {
        const now = this.now();
        return atomic(this.db, () => {
            const expired = this.sql("DELETE FROM messages WHERE expires_at <= ?").run(now).changes;
            const deadLettersExpired = this.sql("DELETE FROM dead_letters WHERE expires_at <= ?").run(now).changes;
            this.sql("DELETE FROM deduplication WHERE expires_at <= ?").run(now);
            return { expired, deadLettersExpired };
        });
    }

    /** Depths and ages of a queue. */
    stats(queue: string): QueueStats {
        this.config(queue);
        const now = this.now();
        const row = this.sql(
                `SELECT
                    COALESCE(SUM(visible_at <= @now), 0) AS visible,
                    COALESCE(SUM(visible_at > @now AND receipt IS NOT NULL), 0) AS inFlight,
                    COALESCE(SUM(visible_at > @now AND receipt IS NULL), 0) AS delayed,
                    MIN(CASE WHEN enqueued_at <= @now THEN enqueued_at END) AS oldest
                 FROM messages WHERE queue = @queue AND expires_at > @now`,
            )
            .get({ queue, now }) as { visible: number; inFlight: number; delayed: number; oldest: number | null };
        return {
            queue,
            visible: row.visible,
            inFlight: row.inFlight,
            delayed: row.delayed,
            oldestAgeSeconds: row.oldest === null ? 0 : Math.max(0, (now - row.oldest) / 1000),
            deadLetters: this.deadLetters.depth(queue),
        };
    }

    private sql(text: string) {
        return statement(this.db, text);
    }

    private insert(config: LocalQueueConfig, message: SendOptions & { body: string }): SendResult {
        const now = this.now();
        if (config.fifo && !message.groupKey) {
            throw new LocalQueueError(`Queue "${config.name}" is FIFO: every message needs a group key.`);
        }
        const dedupId = this.deduplicationIdOf(config, message);
        if (dedupId !== undefined) {
            const earlier = this.sql("SELECT message_id FROM deduplication WHERE queue = ? AND deduplication_id = ? AND expires_at > ?")
                .get(config.name, dedupId, now) as { message_id: string } | undefined;
            if (earlier) return { id: earlier.message_id, duplicate: true };
        }
        const id = message.id ?? timeOrderedId(now);
        const delay = message.delaySeconds ?? config.deliveryDelaySeconds ?? 0;
        this.sql(
                `INSERT INTO messages (id, queue, body, attributes, group_key, deduplication_id, sent_at, visible_at, enqueued_at, expires_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
            )
            .run(id, config.name, message.body, JSON.stringify(message.attributes ?? {}), message.groupKey ?? null, dedupId ?? null, now, now + delay * 1000, now + delay * 1000, now + config.retentionSeconds * 1000);
        if (dedupId !== undefined) {
            const windowMs = 1000 * (config.deduplicationWindowSeconds ?? defaultDeduplicationWindowSeconds);
            this.sql("INSERT OR REPLACE INTO deduplication (queue, deduplication_id, message_id, expires_at) VALUES (?, ?, ?, ?)").run(config.name, dedupId, id, now + windowMs);
        }
        return { id, duplicate: false };
    }

    private deduplicationIdOf(config: LocalQueueConfig, message: SendOptions & { body: string }): string | undefined {
        if (message.deduplicationId) return message.deduplicationId;
        if (config.deduplication === "content") return createHash("sha256").update(message.body).digest("hex");
        if (config.deduplication === "messageId") {
            throw new LocalQueueError(`Queue "${config.name}" deduplicates by messageId: send a deduplication id with every message.`);
        }
        return undefined;
    }
}
