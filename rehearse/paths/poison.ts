import type { DeadLetterRoute, StackDriver } from "../driver";
import { enqueue, jobRecord } from "./accept";

/** Where a poison message ended. */
export interface Poisoned {
    route: DeadLetterRoute;
    body: string;
    detail: string;
}

/**
 * The poison path: a body the worker rejects is delivered exactly the planned number of times
 * (maxReceiveCount / maxDeliveryAttempts), then sits in the planned dead-letter queue, and
 * GET /jobs/{id} says "dead-letter" with the worker's reason.
 */
export async function poisonPath(driver: StackDriver, queue: string, body: object, specAttempts: number, routing: Record<string, string> = {}): Promise<Poisoned> {
    const text = JSON.stringify(body);
    const statusUrl = await enqueue(driver, queue, body, routing);
    const { deliveries, errors } = await driver.drain();
    const attempts = deliveries.get(text) ?? 0;
    let found: DeadLetterRoute | undefined;
    for (const route of driver.deadLetterRoutes()) if ((await driver.deadLetters(route)).includes(text)) found = route;
    const extra = errors.length ? ` Errors: ${errors.join("; ")}` : "";
    if (!found) throw new Error(`the poison message was delivered ${attempts} times and is in no dead-letter queue (${driver.deadLetterRoutes().map((r) => r.deadLetter).join(", ")}).${extra}`);
    if (attempts !== found.maxAttempts) {
        throw new Error(`the poison message reached ${found.deadLetter} after ${attempts} deliveries; ${found.source} plans exactly ${found.maxAttempts}.${extra}`);
    }
    if (attempts !== specAttempts) {
        throw new Error(`the poison message reached ${found.deadLetter} after ${attempts} deliveries, as ${found.source} plans; the spec asks for maxReceiveCount ${specAttempts} (queues "${queue}").`);
    }
    const record = await jobRecord(driver, statusUrl);
    if (record.status !== "dead-letter" || typeof record.reason !== "string") {
        throw new Error(`${statusUrl} is ${JSON.stringify(record)}; expected status "dead-letter" with the reason`);
    }
    return { route: found, body: text, detail: `${attempts} deliveries (planned ${found.maxAttempts}) -> ${found.deadLetter}, reason "${record.reason}"` };
}

/** The redrive path: the dead letter goes back to its queue and is delivered again. */
export async function redrivePath(driver: StackDriver, poisoned: Poisoned): Promise<string> {
    const moved = await driver.redrive(poisoned.route);
    if (moved < 1) throw new Error(`redrive moved nothing from ${poisoned.route.deadLetter}`);
    if ((await driver.deadLetters(poisoned.route)).includes(poisoned.body)) throw new Error(`the message is still in ${poisoned.route.deadLetter} after the redrive`);
    const { deliveries } = await driver.drain();
    const again = deliveries.get(poisoned.body) ?? 0;
    if (again < 1) throw new Error(`the redriven message was not delivered from ${poisoned.route.source}`);
    return `${moved} moved ${poisoned.route.deadLetter} -> ${poisoned.route.source}, delivered again ${again}x`;
}
