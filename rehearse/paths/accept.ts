import type { HttpAnswer, StackDriver } from "../driver";

const describe = (answer: HttpAnswer) => `${answer.status} ${JSON.stringify(answer.body)}${answer.logs ? ` (front end log: ${answer.logs})` : ""}`;

/** POSTs one body to `queue` through the front end with the stack's credentials; the job's status path. */
export async function enqueue(driver: StackDriver, queue: string, body: object, routing: Record<string, string> = {}): Promise<string> {
    const answer = await driver.request({ method: "POST", path: `/queues/${encodeURIComponent(queue)}/messages`, headers: { "content-type": "application/json", ...routing, ...(await driver.credentials()) }, body: JSON.stringify(body) });
    const statusUrl = (answer.body as { statusUrl?: unknown } | undefined)?.statusUrl;
    if (answer.status !== 202 || typeof statusUrl !== "string") throw new Error(`POST /queues/${queue}/messages answered ${describe(answer)}; expected 202 with a statusUrl`);
    return statusUrl;
}

/** GET a job's status path; its record. */
export async function jobRecord(driver: StackDriver, statusUrl: string): Promise<Record<string, unknown>> {
    const answer = await driver.request({ method: "GET", path: statusUrl, headers: await driver.credentials() });
    if (answer.status !== 200) throw new Error(`GET ${statusUrl} answered ${describe(answer)}; expected 200 with the job record`);
    return answer.body as Record<string, unknown>;
}

/**
 * The accept path: POST /queues/{queue}/messages with the API key -> 202 -> the planned queue ->
 * the planned trigger runs the worker bundle -> the result in the datastore -> GET /jobs/{id} done.
 */
export async function acceptPath(driver: StackDriver, queue: string, body: object, routing: Record<string, string> = {}, settleSeconds = 0): Promise<string> {
    const statusUrl = await enqueue(driver, queue, body, routing);
    const { deliveries, errors } = await driver.drain();
    const delivered = deliveries.get(JSON.stringify(body)) ?? 0;
    const seen = () => {
        const all = [...errors, ...(driver.consumerLogs?.() ?? [])];
        return all.length ? ` Errors: ${[...new Set(all)].join("; ")}` : "";
    };
    const deliveredBy = settleSeconds > 0 ? "the VM worker" : `${delivered} ${delivered === 1 ? "delivery" : "deliveries"}`;
    const record = await settled(driver, statusUrl, settleSeconds).catch((error: Error) => {
        throw new Error(`${error.message} after ${deliveredBy}.${seen()}`);
    });
    if (record.status !== "done") throw new Error(`${statusUrl} is ${JSON.stringify(record)} after ${deliveredBy}${settleSeconds ? ` (waited up to ${settleSeconds} s)` : ""}; expected status "done".${seen()}`);
    return `202 -> ${deliveredBy} -> ${statusUrl} done`;
}

/** Job states a worker has not finished with. */
const unfinished = new Set(["queued", "retrying"]);

/**
 * The job record, read again while unfinished for up to `settleSeconds` (a VM worker pulls on its
 * own clock); one read when 0 (the rehearsal delivered to the functions itself).
 */
async function settled(driver: StackDriver, statusUrl: string, settleSeconds: number): Promise<Record<string, unknown>> {
    const until = Date.now() + settleSeconds * 1000;
    for (;;) {
        const record = await jobRecord(driver, statusUrl);
        if (!unfinished.has(String(record.status)) || Date.now() >= until) return record;
        await new Promise((resolve) => setTimeout(resolve, 250));
    }
}

/** Without the API key the front end refuses the request (401) and enqueues nothing. */
export async function refusesUnauthenticated(driver: StackDriver, queue: string, body: object): Promise<string> {
    const answer = await driver.request({ method: "POST", path: `/queues/${encodeURIComponent(queue)}/messages`, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    if (answer.status !== 401) throw new Error(`POST without x-api-key answered ${describe(answer)}; expected 401`);
    return "401 without x-api-key";
}
