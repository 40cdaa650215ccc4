import { randomUUID } from "node:crypto";
import type { ClaimResult, JobRecord, WorkerStore } from "../workers/runtime";
import { fromCompletion } from "../workers/runtime/idempotency";
import { groupCommit, statement, type GroupCommit, type LocalDatabase } from "./engine/database";

interface KeyRow {
    state: "in-progress" | "completed";
    token: string;
    result: string | null;
    completed_at: number | null;
    expires_at: number;
}

/** The job records the local front end uses: it writes a message's "queued" record in the message's own commit. */
export type LocalJobStore = Pick<SqliteWorkerStore, "putJob" | "putJobNow" | "getJob">;

/**
 * The local datastore: idempotency keys and job records in the runner's SQLite file, next to the
 * queue. A claim belongs to the run that made it (`owner`), so a restarted runner can drop the
 * claims of a run that was killed instead of waiting out their leases. `completions` counts how
 * often each key was completed, so a restart test can prove no work ran to completion twice.
 */
export class SqliteWorkerStore implements WorkerStore {
    private readonly group: GroupCommit;

    constructor(
        private readonly db: LocalDatabase,
        private readonly owner: string,
        private readonly now: () => number = Date.now,
    ) {
        this.group = groupCommit(db);
    }

    async claim(key: string, leaseSeconds: number): Promise<ClaimResult> {
        // A claim need not wait for the disk: a restarted runner drops the claims of the run before.
        return this.group.runNow((): ClaimResult => {
            const now = this.now();
            const row = statement(this.db, "SELECT state, token, result, completed_at, expires_at FROM idempotency WHERE key = ?").get(key) as KeyRow | undefined;
            if (row && row.expires_at > now) {
                return row.state === "completed"
                    ? { status: "completed", result: JSON.parse(row.result ?? "null"), completedAt: new Date(row.completed_at ?? 0) }
                    : { status: "in-progress", leaseExpiresAt: new Date(row.expires_at) };
            }
            const token = randomUUID();
            statement(
                this.db,
                `INSERT INTO idempotency (key, state, token, owner, expires_at) VALUES (?, 'in-progress', ?, ?, ?)
                 ON CONFLICT (key) DO UPDATE SET state = 'in-progress', token = excluded.token, owner = excluded.owner,
                     result = NULL, completed_at = NULL, expires_at = excluded.expires_at`,
            ).run(key, token, this.owner, now + leaseSeconds * 1000);
            return { status: "claimed", token };
        });
    }

    async complete(key: string, token: string, result: unknown, ttlSeconds: number): Promise<void> {
        const now = this.now();
        const changes = await this.group.run(() => statement(
            this.db,
            `UPDATE idempotency SET state = 'completed', result = ?, completed_at = ?, completions = completions + 1, owner = NULL, expires_at = ?
             WHERE key = ? AND token = ? AND state = 'in-progress'`,
        ).run(JSON.stringify(result ?? null), now, now + ttlSeconds * 1000, key, token).changes);
        if (changes !== 1) throw new Error(`the claim on ${key} is no longer held by this attempt (its lease ended and another delivery took it)`);
    }

    async release(key: string, token: string): Promise<void> {
        this.group.runNow(() => statement(this.db, "DELETE FROM idempotency WHERE key = ? AND token = ? AND state = 'in-progress'").run(key, token));
    }

    async putJob(messageId: string, record: JobRecord, ttlSeconds: number): Promise<void> {
        await this.group.run(() => this.putJobNow(messageId, record, ttlSeconds));
    }

    /** Writes a job record in the open group commit and returns at once: inside another write's `group.run`, it shares that write's commit. */
    putJobNow(messageId: string, record: JobRecord, ttlSeconds: number): void {
        const { at, ...rest } = record;
        const expiresAt = this.now() + ttlSeconds * 1000;
        this.group.runNow(() => statement(this.db, "INSERT OR REPLACE INTO jobs (id, record, expires_at) VALUES (?, ?, ?)").run(messageId, JSON.stringify({ ...rest, at: at.toISOString() }), expiresAt));
    }

    async getJob(messageId: string): Promise<JobRecord | undefined> {
        const row = statement(this.db, "SELECT record FROM jobs WHERE id = ? AND expires_at > ?").get(messageId, this.now()) as { record: string } | undefined;
        if (!row) return undefined;
        const parsed = JSON.parse(row.record) as Omit<JobRecord, "at"> & { at: string };
        return { ...parsed, at: new Date(parsed.at) } as JobRecord;
    }

    /** The message that completed `key`, while its record lasts; undefined when the key is not completed (or was completed before message ids were kept). */
    completedBy(key: string): string | undefined {
        const row = statement(this.db, "SELECT result FROM idempotency WHERE key = ? AND state = 'completed' AND expires_at > ?").get(key, this.now()) as { result: string | null } | undefined;
        return row ? fromCompletion(JSON.parse(row.result ?? "null")).messageId : undefined;
    }

    /** Drops in-progress claims made by other runs (their process is gone). Returns how many. */
    releaseAbandonedClaims(): number {
        return statement(this.db, "DELETE FROM idempotency WHERE state = 'in-progress' AND owner IS NOT ?").run(this.owner).changes;
    }

    /** Drops this run's in-progress claims (on shutdown, after returning its messages). */
    releaseOwnClaims(): number {
        return statement(this.db, "DELETE FROM idempotency WHERE state = 'in-progress' AND owner = ?").run(this.owner).changes;
    }

    /** Deletes expired keys and job records. */
    sweep(): void {
        const now = this.now();
        statement(this.db, "DELETE FROM idempotency WHERE expires_at <= ?").run(now);
        statement(this.db, "DELETE FROM jobs WHERE expires_at <= ?").run(now);
    }
}
