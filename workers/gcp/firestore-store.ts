import { createHash, randomUUID } from "node:crypto";
import type { ClaimResult, JobRecord, WorkerStore } from "../runtime";
import { type GoogleApiCall, GoogleApiError } from "./google-api";

/** Collection groups the store writes; the datastore component puts its TTL policy on them. */
export const idempotencyCollection = "idempotency";
export const resultsCollection = "results";

export interface FirestoreWorkerStoreOptions {
    /** A Firestore REST client (see googleApi). */
    api: GoogleApiCall;
    projectId: string;
    /** Database id (env QUEUESTACK_FIRESTORE_DATABASE). */
    databaseId: string;
    /** The clock. @default () => new Date() */
    now?: () => Date;
}

type Value = { stringValue: string } | { timestampValue: string };
interface Document {
    name: string;
    fields: Record<string, Value>;
    updateTime: string;
}

const str = (value: string): Value => ({ stringValue: value });
const time = (date: Date): Value => ({ timestampValue: date.toISOString() });
const text = (doc: Document, field: string) => (doc.fields[field] as { stringValue?: string } | undefined)?.stringValue;
const date = (doc: Document, field: string) => new Date((doc.fields[field] as { timestampValue?: string } | undefined)?.timestampValue ?? 0);
/** Document ids may not contain "/": keys such as URLs are hashed. */
const documentId = (key: string) => (/^[A-Za-z0-9_-]{1,200}$/.test(key) ? key : createHash("sha256").update(key).digest("hex"));
/** What Firestore answers when a commit's precondition (exists / updateTime) does not hold. */
const preconditionFailed = (error: unknown) =>
    error instanceof GoogleApiError && ["ALREADY_EXISTS", "FAILED_PRECONDITION", "NOT_FOUND", "ABORTED"].includes(error.status);

/**
 * Idempotency keys and job records in the stack's Firestore database, over the REST API. A claim
 * creates the key's document only if it does not exist (or replaces it only if it has not changed
 * since it was read and its lease or TTL has passed). The TTL policy deletes expired documents
 * within about a day, so every read ignores documents whose `expiresAt` has passed.
 */
export class FirestoreWorkerStore implements WorkerStore {
    private readonly api: GoogleApiCall;
    private readonly root: string;
    private readonly now: () => Date;

    constructor(options: FirestoreWorkerStoreOptions) {
        this.api = options.api;
        this.root = `projects/${options.projectId}/databases/${options.databaseId}/documents`;
        this.now = options.now ?? (() => new Date());
    }

    async claim(key: string, leaseSeconds: number): Promise<ClaimResult> {
        const name = this.name(idempotencyCollection, key);
        for (let tries = 0; tries < 3; tries++) {
            const now = this.now();
            const token = randomUUID();
            const fields = { key: str(key), state: str("in-progress"), token: str(token), expiresAt: time(new Date(now.getTime() + leaseSeconds * 1000)) };
            const existing = await this.read(name, { includeExpired: true });
            const live = existing && date(existing, "expiresAt") > now;
            if (existing && live) {
                if (text(existing, "state") === "completed") {
                    return { status: "completed", result: JSON.parse(text(existing, "result") ?? "null"), completedAt: date(existing, "completedAt") };
                }
                return { status: "in-progress", leaseExpiresAt: date(existing, "expiresAt") };
            }
            const precondition = existing ? { updateTime: existing.updateTime } : { exists: false };
            try {
                await this.commit([{ update: { name, fields }, currentDocument: precondition }]);
                return { status: "claimed", token };
            } catch (error) {
                if (!preconditionFailed(error)) throw error;
            }
        }
        throw new Error(`could not claim ${key}: its record kept changing`);
    }

    async complete(key: string, _token: string, result: unknown, ttlSeconds: number): Promise<void> {
        const now = this.now();
        const fields = {
            key: str(key),
            state: str("completed"),
            result: str(JSON.stringify(result ?? null)),
            completedAt: time(now),
            expiresAt: time(new Date(now.getTime() + ttlSeconds * 1000)),
        };
        await this.commit([{ update: { name: this.name(idempotencyCollection, key), fields } }]);
    }

    async release(key: string, token: string): Promise<void> {
        const name = this.name(idempotencyCollection, key);
        const doc = await this.read(name, { includeExpired: true });
        if (!doc || text(doc, "token") !== token) return;
        try {
            await this.commit([{ delete: name, currentDocument: { updateTime: doc.updateTime } }]);
        } catch (error) {
            // The claim is no longer ours (lease expired and re-claimed): leave it alone.
            if (!preconditionFailed(error)) throw error;
        }
    }

    async putJob(messageId: string, record: JobRecord, ttlSeconds: number): Promise<void> {
        const { at, ...rest } = record;
        const fields = {
            messageId: str(messageId),
            status: str(record.status),
            record: str(JSON.stringify(rest)),
            at: time(at),
            expiresAt: time(new Date(this.now().getTime() + ttlSeconds * 1000)),
        };
        await this.commit([{ update: { name: this.name(resultsCollection, messageId), fields } }]);
    }

    async getJob(messageId: string): Promise<JobRecord | undefined> {
        const doc = await this.read(this.name(resultsCollection, messageId));
        if (!doc) return undefined;
        return { ...JSON.parse(text(doc, "record") ?? "{}"), at: date(doc, "at") } as JobRecord;
    }

    private name(collection: string, key: string): string {
        return `${this.root}/${collection}/${documentId(key)}`;
    }

    private commit(writes: unknown[]): Promise<unknown> {
        return this.api("POST", `${this.root.replace(/\/documents$/, "")}/documents:commit`, { writes });
    }

    /** The document, unless missing or (by default) past its `expiresAt`. */
    private async read(name: string, { includeExpired = false } = {}): Promise<Document | undefined> {
        try {
            const doc = await this.api<Document>("GET", name);
            return !includeExpired && date(doc, "expiresAt") <= this.now() ? undefined : doc;
        } catch (error) {
            if (error instanceof GoogleApiError && error.status === "NOT_FOUND") return undefined;
            throw error;
        }
    }
}
