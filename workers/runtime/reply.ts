import type { JobRecord, JobStore } from "./idempotency";
import { jobNotFoundError } from "./intake";
import { waitForJob } from "./routing";

/** What a front end answers once its messages are enqueued: the status code and the JSON body. */
export interface AcceptedReply {
    statusCode: 200 | 202;
    body: Record<string, unknown>;
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
    /** Path the front end's routes sit under, e.g. "/api" on Azure Functions. @default "" */
    basePath?: string;
}

/** The path of a job's status on a front end whose routes sit under `basePath` (e.g. "/api"). */
const statusPath = (id: string, basePath = "") => `${basePath}/jobs/${encodeURIComponent(id)}`;

/** A job record that will not change any more: done or dead-lettered (a retrying job may still finish). */
const isFinal = (record: JobRecord | undefined): record is Exclude<JobRecord, { status: "retrying" }> =>
    record?.status === "done" || record?.status === "dead-letter";

/** One finished job as the reply shows it. */
function finished(id: string, record: Exclude<JobRecord, { status: "retrying" }>): Record<string, unknown> {
    return record.status === "done"
        ? { id, status: "done", result: record.result, at: record.at.toISOString() }
        : { id, status: "dead-letter", reason: record.reason, attempt: record.attempt, at: record.at.toISOString() };
}

/**
 * Request-response: with a wait, polls the job records until every item has finished (done or
 * dead-lettered) and answers 200 with them; otherwise, or when time runs out, 202 with the ids and
 * where to ask for their status. The correlation id is echoed either way. Reads that fail count as
 * "not finished" (the messages are accepted already, so the answer falls back to 202).
 */
export async function acceptedReply(accepted: Accepted): Promise<AcceptedReply> {
    const { ids, batch, correlationId, waitSeconds, jobs, basePath = "" } = accepted;
    const status = (id: string) => statusPath(id, basePath);
    const echo = correlationId === undefined ? {} : { correlationId };
    const results = await waitForJob(async () => {
        const records = await Promise.all(ids.map((id) => jobs.getJob(id)));
        return records.every(isFinal) ? records : undefined;
    }, waitSeconds);
    if (results) {
        const items = ids.map((id, i) => finished(id, results[i]!));
        return { statusCode: 200, body: batch ? { ...echo, jobs: items } : { ...echo, ...items[0] } };
    }
    return {
        statusCode: 202,
        body: batch ? { messageIds: ids, ...echo, statusUrls: ids.map(status) } : { messageId: ids[0], ...echo, statusUrl: status(ids[0]!) },
    };
}

/** `GET /jobs/{id}`: the job's record as every front end answers it; IntakeError 404 when there is none. */
export async function jobStatus(jobs: JobStore, id: string): Promise<Record<string, unknown>> {
    const job = await jobs.getJob(id);
    if (!job) throw jobNotFoundError(id);
    return { id, ...job, at: job.at.toISOString() };
}
