import type { RehearsalContext } from "../context";
import type { StackDriver } from "../driver";
import { check, type Check } from "../report";
import { acceptPath, refusesUnauthenticated } from "./accept";
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
