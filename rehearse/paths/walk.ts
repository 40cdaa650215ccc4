import type { Spec } from "../../components/spec";
import type { RehearsalContext } from "../context";
import type { StackDriver } from "../driver";
import { check, type Check } from "../report";
import { acceptPath, refusesUnauthenticated } from "./accept";
import { patternPaths } from "./patterns";
import { poisonPath, redrivePath, type Poisoned } from "./poison";

/** Row names of the user paths, the same on every cloud. */
export const pathNames = {
    accept: "accept -> queue -> worker -> datastore -> GET /jobs/{id}",
    unauthenticated: "request without the API key is refused",
    poison: "poison -> dead-letter queue after the planned attempts",
    redrive: "redrive back to the queue",
} as const;

export interface WalkOptions {
    /** Headers a message of this queue needs (an ordered queue's group key). @default none */
    routing?: Record<string, string>;
    /** Why the redrive cannot be walked here; a "not rehearsed" row then. @default it is walked */
    redriveSkipped?: string;
    /** How long a job may take once accepted: a VM worker pulls on its own. @default 0, one read after the drain */
    settleSeconds?: number;
    /** Walk only the accept path (and the key check), saying why the others are not. @default every path */
    acceptOnly?: string;
    /** Suffix of the row names (e.g. ` (VM worker "publisher")`). @default none */
    label?: string;
}

/**
 * The user paths of one queue, on any cloud's driver: accept -> worker -> datastore -> GET done,
 * a request without the key refused (apiKey auth), poison -> dead letter after exactly the planned
 * attempts, and the redrive back.
 */
export async function walkPaths(context: RehearsalContext, driver: StackDriver, queue: string, options: WalkOptions = {}): Promise<Check[]> {
    const { spec, samples } = context;
    const routing = options.routing ?? {};
    const name = (row: string) => `${row}${options.label ?? ""}`;
    context.progress(`walking the paths of queue "${queue}"${options.label ?? ""}`);
    const checks: Check[] = [await check("path", name(pathNames.accept), () => acceptPath(driver, queue, samples.good, routing, options.settleSeconds), driver.emulatorErrors)];
    if (spec.frontEnd.auth === "apiKey") checks.push(await check("path", name(pathNames.unauthenticated), () => refusesUnauthenticated(driver, queue, samples.good), driver.emulatorErrors));
    if (options.acceptOnly) {
        checks.push({ kind: "not rehearsed", name: name(`${pathNames.poison}; ${pathNames.redrive}`), status: "skip", detail: options.acceptOnly });
        return checks;
    }
    let poisoned: Poisoned | undefined;
    checks.push(
        await check("path", name(pathNames.poison), async () => {
            poisoned = await poisonPath(driver, queue, samples.poison, spec.queues.find((q) => q.name === queue)!.maxReceiveCount, routing);
            return poisoned.detail;
        }, driver.emulatorErrors),
    );
    if (options.redriveSkipped) checks.push({ kind: "not rehearsed", name: name(pathNames.redrive), status: "skip", detail: options.redriveSkipped });
    else
        checks.push(
            poisoned
                ? await check("path", name(pathNames.redrive), () => redrivePath(driver, poisoned!), driver.emulatorErrors)
                : { kind: "path", name: name(pathNames.redrive), status: "fail", detail: "no dead letter to redrive (the poison path failed)" },
        );
    return checks;
}

/**
 * Every path of the stack, in the order that keeps them apart: the pattern paths first (nothing
 * consumes yet, so a message can be seen where it waits), then the workers that run on their own
 * start, then each worker's queue is walked: every path for a function worker (named after the
 * worker when there are several), the intake for a VM worker (it pulls on its own clock).
 */
export async function walkWorkers(context: RehearsalContext, driver: StackDriver, redriveSkipped: (queue: Spec["queues"][number]) => string | undefined = () => undefined): Promise<Check[]> {
    const { spec } = context;
    const checks = await patternPaths(spec, driver, context.samples, context.progress);
    try {
        await driver.startConsumers?.();
    } catch (error) {
        return [...checks, { kind: "path", name: "start the VM workers' services", status: "fail", detail: (error as Error).message }];
    }
    const functions = spec.workers.filter((w) => w.kind === "function").length;
    for (const worker of spec.workers) {
        const queue = spec.queues.find((q) => q.name === worker.queue)!;
        const routing: Record<string, string> = queue.ordering === "fifo" ? { "x-group-key": "rehearsal" } : {};
        if (worker.kind === "function") {
            checks.push(...(await walkPaths(context, driver, worker.queue, { routing, redriveSkipped: redriveSkipped(queue), label: functions > 1 ? ` (worker "${worker.name}")` : "" })));
        } else {
            checks.push(
                ...(await walkPaths(context, driver, worker.queue, {
                    routing,
                    label: ` (VM worker "${worker.name}")`,
                    settleSeconds: (worker.timeoutSeconds ?? queue.processingTimeSeconds) + 30,
                    acceptOnly: "the VM service pulls on its own clock: its poison and redrive paths are walked on function workers' queues; here its intake",
                })),
            );
        }
    }
    return checks;
}
