import type { JobRecord, JobStore } from "./idempotency";
import { jobNotFoundError } from "./intake";
import { waitForJob } from "./routing";

/** What a front end answers once its messages are enqueued: the status code and the JSON body. */
export interface AcceptedReply {
    statusCode: 200 | 202;
    body: Record<string, unknown>;
}

/**
 * How long the front end's record of an accepted message is kept: the longest any queue keeps a
 * message (Pub/Sub 31 days), so a message still waiting never reads as unknown. The worker's own
 * record, kept for datastore.ttlDays, supersedes it once an attempt finishes.
 */
export const acceptedRecordTtlSeconds = 31 * 86_400;

/**
 * Where the front end notes that it accepted a message: a record of its own beside the job's, so a
 * late write can never hide the worker's result, whatever order the two writes land in.
 */
const acceptedKey = (id: string) => `${id}.accepted`;

/**
 * Notes that the front end accepted these messages, so `GET /jobs/{id}` answers "queued" until a
 * worker records an outcome. Best effort: the messages are enqueued already, so a failed write is
 * logged, not answered.
 */
export async function recordAccepted(jobs: JobStore, ids: readonly string[], onError?: (error: unknown) => void): Promise<void> {
    await Promise.all(acceptedRecords(ids).map((r) => jobs.putJob(r.key, r.record, r.ttlSeconds).catch((error: unknown) => onError?.(error))));
}

/** The "queued" records of accepted messages, for a front end that stores them itself (the local one: with the messages, in one commit). */
export function acceptedRecords(ids: readonly string[], at: Date = new Date()): { key: string; record: JobRecord; ttlSeconds: number }[] {
    return ids.map((id) => ({ key: acceptedKey(id), record: { status: "queued", at }, ttlSeconds: acceptedRecordTtlSeconds }));
}

/** What the front end enqueued for one request. */
export interface Accepted {
    /** The queue's message ids, one per item, in request order. */
    ids: string[];
    /** True when the request was a JSON array (the reply lists every item). */
    batch: boolean;
    /** The request's correlation id, when the sender gave one (`x-correlation-id`). */
    correlationId?: string;
    /** Seconds to wait for the results (`requestedWaitSeconds`); 0 answers 202 at once. */
    waitSeconds: number;
    /** Where job records are read while waiting. */
    jobs: JobStore;
    /** The front end stored the "queued" records itself, with the messages (acceptedRecords). @default false: stored here */
    recorded?: boolean;
    /** Path the front end's routes sit under, e.g. "/api" on Azure Functions. @default "" */
    basePath?: string;
    /**
     * Per item, the message that already did this work (its idempotency key was seen), when the
     * front end can tell at intake; the reply says so and points at it. @default none known
     */
    duplicateOf?: readonly (string | undefined)[];
    /** Told when the record of an accepted message could not be written. @default ignored */
    onRecordError?: (error: unknown) => void;
}

/** The path of a job's status on a front end whose routes sit under `basePath` (e.g. "/api"). */
const statusPath = (id: string, basePath = "") => `${basePath}/jobs/${encodeURIComponent(id)}`;

type FinalRecord = Extract<JobRecord, { status: "done" | "dead-letter" }>;

/** A job record that will not change any more: done or dead-lettered (a queued or retrying job may still finish). */
const isFinal = (record: JobRecord | undefined): record is FinalRecord => record?.status === "done" || record?.status === "dead-letter";

/** Where a duplicate's original job is: its id and status path. */
const original = (id: string, basePath: string) => ({ duplicateOf: { messageId: id, statusUrl: statusPath(id, basePath) } });

/** One job record as the front end shows it: a duplicate points at the message that did the work. */
function shown(id: string, record: JobRecord, basePath: string): Record<string, unknown> {
    const { at, ...rest } = record;
    if (rest.status === "done" && rest.duplicateOf !== undefined) {
        const { duplicateOf, ...done } = rest;
        return { id, ...done, deduplicated: true, ...original(duplicateOf, basePath), at: at.toISOString() };
    }
    return { id, ...rest, at: at.toISOString() };
}

/**
 * Request-response: with a wait, polls the job records until every item has finished (done or
 * dead-lettered) and answers 200 with them; otherwise, or when time runs out, 202 with the ids and
 * where to ask for their status. The correlation id is echoed either way. Reads that fail count as
 * "not finished" (the messages are accepted already, so the answer falls back to 202).
 */
export async function acceptedReply(accepted: Accepted): Promise<AcceptedReply> {
    const { ids, batch, correlationId, waitSeconds, jobs, basePath = "", duplicateOf = [] } = accepted;
    const status = (id: string) => statusPath(id, basePath);
    const echo = correlationId === undefined ? {} : { correlationId };
    if (!accepted.recorded) await recordAccepted(jobs, ids, accepted.onRecordError);
    const results = await waitForJob(async () => {
        const records = await Promise.all(ids.map((id) => jobs.getJob(id)));
        return records.every(isFinal) ? records : undefined;
    }, waitSeconds);
    if (results) {
        const items = ids.map((id, i) => shown(id, results[i]!, basePath));
        return { statusCode: 200, body: batch ? { ...echo, jobs: items } : { ...echo, ...items[0] } };
    }
    const seen = (i: number) => (duplicateOf[i] === undefined ? {} : { deduplicated: true, ...original(duplicateOf[i]!, basePath) });
    if (batch) {
        const duplicates = ids.flatMap((id, i) => (duplicateOf[i] === undefined ? [] : [{ messageId: id, ...seen(i) }]));
        return { statusCode: 202, body: { messageIds: ids, ...echo, statusUrls: ids.map(status), ...(duplicates.length ? { duplicates } : {}) } };
    }
    return { statusCode: 202, body: { messageId: ids[0], ...echo, statusUrl: status(ids[0]!), ...seen(0) } };
}

/**
 * `GET /jobs/{id}`: the job's record as every front end answers it: "queued" from the front end's
 * note of acceptance until a worker records "retrying", "done" or "dead-letter"; IntakeError 404
 * for an id the front end never accepted (or whose records have expired).
 */
export async function jobStatus(jobs: JobStore, id: string, basePath = ""): Promise<Record<string, unknown>> {
    const job = (await jobs.getJob(id)) ?? (await jobs.getJob(acceptedKey(id)));
    if (!job) throw jobNotFoundError(id);
    return shown(id, job, basePath);
}
