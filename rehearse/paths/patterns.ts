import { randomUUID } from "node:crypto";
import type { Spec } from "../../components/spec";
import type { StackDriver } from "../driver";
import { check, type Check } from "../report";
import type { Samples } from "./samples";

const describeAnswer = (answer: { status: number; body: unknown }) => `${answer.status} ${JSON.stringify(answer.body)}`;

/** A body told apart from every other one in a queue. */
const marked = (samples: Samples) => ({ ...samples.good, rehearsal: randomUUID() });

/** POST /topics/{topic} reaches every subscribed queue: the body waits on each of them. */
async function fanOutPath(driver: StackDriver & Required<Pick<StackDriver, "waiting">>, topic: string, subscribers: string[], samples: Samples): Promise<string> {
    const body = marked(samples);
    const answer = await driver.request({ method: "POST", path: `/topics/${encodeURIComponent(topic)}`, headers: { "content-type": "application/json", ...(await driver.credentials()) }, body: JSON.stringify(body) });
    if (answer.status !== 202) throw new Error(`POST /topics/${topic} answered ${describeAnswer(answer)}; expected 202`);
    const reached: string[] = [];
    const missed: string[] = [];
    for (const queue of subscribers) {
        const where = (await driver.waiting(queue)).find((q) => q.bodies.some((b) => b.includes(body.rehearsal)));
        if (where) reached.push(`${queue}${where.level ? ` (${where.level})` : ""}`);
        else missed.push(queue);
    }
    if (missed.length) throw new Error(`the message published to topic "${topic}" reached ${reached.join(", ") || "no queue"} but not ${missed.join(", ")} (the spec subscribes ${subscribers.join(", ")})`);
    return `${topic} -> ${reached.join(", ")}`;
}

/** POST with `x-priority: <level>` lands on that level's planned queue only. */
async function priorityPath(driver: StackDriver & Required<Pick<StackDriver, "waiting">>, queue: string, level: string, samples: Samples, routing: Record<string, string>): Promise<string> {
    const body = marked(samples);
    const answer = await driver.request({ method: "POST", path: `/queues/${encodeURIComponent(queue)}/messages`, headers: { "content-type": "application/json", "x-priority": level, ...routing, ...(await driver.credentials()) }, body: JSON.stringify(body) });
    if (answer.status !== 202) throw new Error(`POST /queues/${queue}/messages with x-priority ${level} answered ${describeAnswer(answer)}; expected 202`);
    const holding = (await driver.waiting(queue)).filter((q) => q.bodies.some((b) => b.includes(body.rehearsal)));
    if (holding.length !== 1 || holding[0]!.level !== level) {
        throw new Error(`a message sent with x-priority ${level} waits on ${holding.map((q) => `${q.queue} (level ${q.level})`).join(", ") || "no planned queue"}; expected only the ${level} level's queue`);
    }
    return `x-priority ${level} -> ${holding[0]!.queue}`;
}

/**
 * The pattern paths the spec asks for: a fan-out publish per topic (every subscribed queue gets
 * it) and the highest priority level of each queue with levels (none when the driver cannot look
 * into its queues), and a "not rehearsed" row per queue that takes delays.
 */
export async function patternPaths(spec: Spec, driver: StackDriver, samples: Samples, progress: (line: string) => void): Promise<Check[]> {
    const looking = driver as StackDriver & Required<Pick<StackDriver, "waiting">>;
    const checks: Check[] = [];
    for (const topic of driver.waiting ? spec.topics : []) {
        progress(`publishing to topic "${topic.name}"`);
        checks.push(await check("path", `fan-out: topic "${topic.name}" reaches every subscribed queue`, () => fanOutPath(looking, topic.name, topic.subscribers, samples), driver.emulatorErrors));
    }
    for (const queue of spec.queues) {
        const levels = queue.priorities?.levels ?? [];
        if (!levels.length || !driver.waiting) continue;
        const routing: Record<string, string> = queue.ordering === "fifo" ? { "x-group-key": "rehearsal" } : {};
        checks.push(await check("path", `priority: queue "${queue.name}" level "${levels[0]!.name}"`, () => priorityPath(looking, queue.name, levels[0]!.name, samples, routing), driver.emulatorErrors));
    }
    for (const queue of spec.queues.filter((q) => (q.maxDelaySeconds ?? 0) > 0)) {
        checks.push({
            kind: "not rehearsed",
            name: `delayed message on queue "${queue.name}"`,
            status: "skip",
            detail: `up to ${queue.maxDelaySeconds} s planned: Google Cloud delays go through Cloud Tasks, which has no emulator here, and moto stores EventBridge Scheduler schedules without firing them; the delayed intake was not walked`,
        });
    }
    return checks;
}
