import type { Message } from "./message";
import type { IdempotencyKeySource } from "./define-worker";
import { bodyPathFields, valueAtFields } from "./body-path";

/** The answer to a claim. */
export type ClaimResult =
    /** This caller owns the key until the lease ends; `token` proves it to complete/release. */
    | { status: "claimed"; token: string }
    /** Another delivery holds a live lease on the key. */
    | { status: "in-progress"; leaseExpiresAt: Date }
    /** The work was done already; its stored result. */
    | { status: "completed"; result: unknown; completedAt: Date };

/**
 * Remembers which units of work are in progress or done. Each cloud implements it on its
 * datastore (DynamoDB conditional put, Cosmos DB create, Firestore create).
 */
export interface IdempotencyStore {
    /**
     * Claims `key` for `leaseSeconds`. Succeeds when there is no record, when the record is a claim
     * whose lease has expired (its holder crashed), or when a completed record is past its TTL.
     */
    claim(key: string, leaseSeconds: number): Promise<ClaimResult>;
    /** Marks the claimed key done with its result, remembered for `ttlSeconds`. */
    complete(key: string, token: string, result: unknown, ttlSeconds: number): Promise<void>;
    /** Drops this caller's claim (the attempt failed) so the next delivery may claim at once. */
    release(key: string, token: string): Promise<void>;
}

/** What the datastore knows about one message (job), by message id. */
export type JobRecord =
    /** Accepted by the front end; no attempt has finished yet. */
    | { status: "queued"; at: Date }
    /** Finished; `duplicateOf` is the message whose result this is, when the idempotency key had been seen. */
    | { status: "done"; result: unknown; at: Date; duplicateOf?: string }
    | { status: "retrying"; reason: string; attempt: number; at: Date }
    | { status: "dead-letter"; reason: string; attempt: number; at: Date };

/** Job records by message id: the result, or why the last attempt failed. */
export interface JobStore {
    putJob(messageId: string, record: JobRecord, ttlSeconds: number): Promise<void>;
    getJob(messageId: string): Promise<JobRecord | undefined>;
}

/** Everything the runtime keeps in a cloud's datastore. */
export interface WorkerStore extends IdempotencyStore, JobStore {}

/**
 * What the idempotency store keeps for a completed key: the result and the message that produced
 * it, so a later message with the same key can point at the original job. Records written before
 * the message id was kept hold the bare result.
 */
const completedBy = "queuestack.completedBy";

/** The value `complete` stores for `result`, produced by message `messageId`. */
export const completion = (result: unknown, messageId: string) => ({ [completedBy]: messageId, result });

/** The result and producing message of a stored completion (`messageId` absent for older records). */
export function fromCompletion(stored: unknown): { result: unknown; messageId?: string } {
    if (stored !== null && typeof stored === "object" && typeof (stored as Record<string, unknown>)[completedBy] === "string") {
        const { [completedBy]: messageId, result } = stored as Record<string, unknown>;
        return { result, messageId: messageId as string };
    }
    return { result: stored };
}

/** Raised when the configured key cannot be read from a message; the message is dead-lettered. */
export class IdempotencyKeyError extends Error {
    override readonly name = "IdempotencyKeyError";
}

/** The idempotency key of a message under `source` ("messageId", "body.<path>" or a function). */
export function idempotencyKeyOf<TBody>(message: Message<TBody>, source: IdempotencyKeySource<TBody>): string {
    if (typeof source === "function") {
        const key = source(message);
        if (typeof key !== "string" || key === "") {
            throw new IdempotencyKeyError(`the idempotencyKey function returned ${JSON.stringify(key)}, expected a non-empty string`);
        }
        return key;
    }
    if (source === "messageId") return message.id;
    const fields = bodyPathFields(source);
    if (!fields) {
        throw new IdempotencyKeyError(`idempotency key "${source}" is not messageId or body.<field>[.<field>...]`);
    }
    const value = valueAtFields(message.body, fields);
    if (value === undefined) {
        throw new IdempotencyKeyError(`the message body has no value at ${source}, the idempotency key`);
    }
    return value;
}
