import { randomUUID } from "node:crypto";
import type { StackDriver } from "../driver";
import { describeAnswer as describe, jobRecord } from "./accept";

/**
 * Delivers what reaches the queues while `pending` is unsettled (the front end is holding a
 * request open, or a delay is running): the rehearsal's triggers only deliver when drained.
 * Resolves the deliveries of `body` and the errors seen.
 */
async function drainWhile(driver: StackDriver, pending: Promise<unknown>, body: object): Promise<{ delivered: number; errors: string[] }> {
    let settled = false;
    void pending.then(() => (settled = true), () => (settled = true));
    let delivered = 0;
    const errors: string[] = [];
    while (!settled) {
        const drained = await driver.drain();
        delivered += drained.deliveries.get(JSON.stringify(body)) ?? 0;
        errors.push(...drained.errors);
        if (!settled) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return { delivered, errors };
}

/**
 * Request-response: POST with `Prefer: wait=<frontEnd.maxWaitSeconds>` and a correlation id; the
 * front end holds the request while the worker runs (delivered meanwhile) and must answer 200
 * with the finished job and the correlation id echoed, not 202.
 */
export async function replyPath(driver: StackDriver, queue: string, body: object, waitSeconds: number, routing: Record<string, string> = {}): Promise<string> {
    const correlationId = `rehearsal-${randomUUID()}`;
    const answering = driver.request({
        method: "POST",
        path: `/queues/${encodeURIComponent(queue)}/messages`,
        headers: { "content-type": "application/json", prefer: `wait=${waitSeconds}`, "x-correlation-id": correlationId, ...routing, ...(await driver.credentials()) },
        body: JSON.stringify(body),
    });
    const { delivered, errors } = await drainWhile(driver, answering, body);
    const answer = await answering;
    const reply = answer.body as { status?: unknown; correlationId?: unknown; id?: unknown } | undefined;
    const seen = errors.length ? ` Errors: ${[...new Set(errors)].join("; ")}` : "";
    if (answer.status !== 200) throw new Error(`POST /queues/${queue}/messages with Prefer: wait=${waitSeconds} answered ${describe(answer)} after ${delivered} deliveries; expected 200 with the job's result.${seen}`);
    if (reply?.status !== "done" || reply.correlationId !== correlationId) {
        throw new Error(`POST with Prefer: wait=${waitSeconds} answered 200 ${JSON.stringify(reply)}; expected status "done" and correlationId "${correlationId}".${seen}`);
    }
    return `Prefer: wait=${waitSeconds} -> ${delivered} ${delivered === 1 ? "delivery" : "deliveries"} -> 200 job ${String(reply.id)} done, correlation id echoed`;
}

/**
 * A delayed message: POST with `x-delay-seconds: <delay>`; delivered by draining until its job is
 * done (for up to the delay plus `settleSeconds`), and the job must finish no earlier than the
 * delay after the POST was sent: the worker's record carries the time it finished.
 */
export async function delayPath(driver: StackDriver, queue: string, body: object, delaySeconds: number, routing: Record<string, string> = {}, settleSeconds = 60): Promise<string> {
    const sent = Date.now();
    const answer = await driver.request({
        method: "POST",
        path: `/queues/${encodeURIComponent(queue)}/messages`,
        headers: { "content-type": "application/json", "x-delay-seconds": String(delaySeconds), ...routing, ...(await driver.credentials()) },
        body: JSON.stringify(body),
    });
    const statusUrl = (answer.body as { statusUrl?: unknown } | undefined)?.statusUrl;
    if (answer.status !== 202 || typeof statusUrl !== "string") throw new Error(`POST /queues/${queue}/messages with x-delay-seconds: ${delaySeconds} answered ${describe(answer)}; expected 202 with a statusUrl`);
    const until = sent + (delaySeconds + settleSeconds) * 1000;
    let delivered = 0;
    const errors: string[] = [];
    for (;;) {
        const drained = await driver.drain();
        delivered += drained.deliveries.get(JSON.stringify(body)) ?? 0;
        errors.push(...drained.errors);
        const record = await jobRecord(driver, statusUrl);
        if (record.status === "done") {
            if (record.deduplicated) throw new Error(`the delayed message was taken for a duplicate of ${JSON.stringify(record.duplicateOf)}, so its delay cannot be timed: give the rehearsal a Samples.fresh body with its own idempotency key`);
            const finished = Date.parse(String(record.at));
            if (!(finished >= sent + delaySeconds * 1000)) {
                throw new Error(`the job of a message delayed ${delaySeconds} s finished ${((finished - sent) / 1000).toFixed(1)} s after it was sent (record ${JSON.stringify(record)}): the delay was not applied`);
            }
            return `x-delay-seconds: ${delaySeconds} -> ${delivered} ${delivered === 1 ? "delivery" : "deliveries"} -> ${statusUrl} done ${((finished - sent) / 1000).toFixed(1)} s after the POST`;
        }
        if (Date.now() >= until) {
            const seen = errors.length ? ` Errors: ${[...new Set(errors)].join("; ")}` : "";
            throw new Error(`${statusUrl} is ${JSON.stringify(record)} ${delaySeconds + settleSeconds} s after a message delayed ${delaySeconds} s was sent (${delivered} deliveries); expected status "done".${seen}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 500));
    }
}
