import { randomUUID } from "node:crypto";
import type { ClaimResult, JobRecord, WorkerStore } from "./idempotency";

type Entry =
    | { state: "in-progress"; token: string; expiresAt: number }
    | { state: "completed"; result: unknown; completedAt: number; expiresAt: number };

/**
 * A `WorkerStore` held in memory: for one-process runs (the local target's in-process pool) and
 * as the reference behaviour the cloud stores are tested against. `now` is injectable for tests.
 */
export class MemoryWorkerStore implements WorkerStore {
    private readonly keys = new Map<string, Entry>();
    private readonly jobs = new Map<string, { record: JobRecord; expiresAt: number }>();

    constructor(private readonly now: () => Date = () => new Date()) {}

    async claim(key: string, leaseSeconds: number): Promise<ClaimResult> {
        const now = this.now().getTime();
        const entry = this.keys.get(key);
        if (entry && entry.expiresAt > now) {
            return entry.state === "completed"
                ? { status: "completed", result: entry.result, completedAt: new Date(entry.completedAt) }
                : { status: "in-progress", leaseExpiresAt: new Date(entry.expiresAt) };
        }
        const token = randomUUID();
        this.keys.set(key, { state: "in-progress", token, expiresAt: now + leaseSeconds * 1000 });
        return { status: "claimed", token };
    }

    async complete(key: string, _token: string, result: unknown, ttlSeconds: number): Promise<void> {
        const now = this.now().getTime();
        this.keys.set(key, { state: "completed", result, completedAt: now, expiresAt: now + ttlSeconds * 1000 });
    }

    async release(key: string, token: string): Promise<void> {
        const entry = this.keys.get(key);
        if (entry?.state === "in-progress" && entry.token === token) this.keys.delete(key);
    }

    async putJob(messageId: string, record: JobRecord, ttlSeconds: number): Promise<void> {
        this.jobs.set(messageId, { record, expiresAt: this.now().getTime() + ttlSeconds * 1000 });
    }

    async getJob(messageId: string): Promise<JobRecord | undefined> {
        const job = this.jobs.get(messageId);
        return job && job.expiresAt > this.now().getTime() ? job.record : undefined;
    }
}
