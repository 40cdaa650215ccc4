import type { RehearsalContext } from "../context";
import { acceptPath, refusesUnauthenticated } from "../paths/accept";
import { poisonPath, redrivePath, type Poisoned } from "../paths/poison";
import { check, type Check } from "../report";
import { awsDriver } from "./driver";
import { standUpAws, type AwsStandUp } from "./stand-up";

/** Planned types the rehearsal itself plays (Lambda runs the bundles, API Gateway routes, the SQS poller). */
const played = new Set([
    "aws:lambda/function:Function",
    "aws:lambda/eventSourceMapping:EventSourceMapping",
    "aws:apigatewayv2/api:Api",
    "aws:apigatewayv2/stage:Stage",
    "aws:apigatewayv2/integration:Integration",
    "aws:apigatewayv2/route:Route",
]);

/**
 * AWS on moto: stand the planned resources up with authorization off, switch moto's IAM
 * authorization on, then walk the paths with the bundles running under their planned roles.
 */
export async function rehearseAws(context: RehearsalContext): Promise<Check[]> {
    const { resources, spec, samples } = context;
    const region = String(context.config["aws:region"] ?? "us-east-1");
    const moto = await context.emulators.moto();
    await moto.reset();
    const checks: Check[] = [];
    let standUp: AwsStandUp | undefined;
    checks.push(
        await check("path", "stand up the planned resources on moto", async () => {
            standUp = await standUpAws(moto, region, resources);
            return [...standUp.created].map(([type, n]) => `${n} ${type.split(":").pop()}`).join(", ");
        }),
    );
    if (!standUp) return checks;
    const functionWorker = spec.workers.find((w) => w.kind === "function");
    if (!functionWorker) {
        checks.push({ kind: "not rehearsed", name: "user paths", status: "skip", detail: "every worker is a VM: the VM poller service is not rehearsed yet, so no path was walked" });
        return [...checks, ...notStoodUp(resources, standUp)];
    }
    await moto.authorize(true);
    const driver = await awsDriver({ endpoint: moto.endpoint, region, resources, standUp });
    try {
        const queue = functionWorker.queue;
        // An ordered (FIFO) queue takes messages with a group key only.
        const routing: Record<string, string> = spec.queues.find((q) => q.name === queue)?.ordering === "fifo" ? { "x-group-key": "rehearsal" } : {};
        context.progress(`walking the paths of queue "${queue}"`);
        checks.push(await check("path", "accept -> queue -> worker -> datastore -> GET /jobs/{id}", () => acceptPath(driver, queue, samples.good, routing), driver.emulatorErrors));
        if (spec.frontEnd.auth === "apiKey") checks.push(await check("path", "request without the API key is refused", () => refusesUnauthenticated(driver, queue, samples.good), driver.emulatorErrors));
        let poisoned: Poisoned | undefined;
        checks.push(
            await check("path", "poison -> dead-letter queue after the planned attempts", async () => {
                poisoned = await poisonPath(driver, queue, samples.poison, spec.queues.find((q) => q.name === queue)!.maxReceiveCount, routing);
                return poisoned.detail;
            }, driver.emulatorErrors),
        );
        if (routing["x-group-key"]) {
            // `dlq redrive` holds a FIFO dead letter back for the source's 5-minute deduplication window, so it cannot move in a rehearsal.
            checks.push({ kind: "not rehearsed", name: "redrive back to the queue", status: "skip", detail: `${queue} is FIFO: \`dlq redrive\` waits out its 5-minute deduplication window` });
        } else checks.push(
            poisoned
                ? await check("path", "redrive back to the queue", () => redrivePath(driver, poisoned!), driver.emulatorErrors)
                : { kind: "path", name: "redrive back to the queue", status: "fail", detail: "no dead letter to redrive (the poison path failed)" },
        );
    } finally {
        await driver.stop();
        await moto.authorize(false);
    }
    checks.push(...notStoodUp(resources, standUp));
    return checks;
}

/** Rows for what moto checks less than AWS, and the planned types nobody stood up. */
function notStoodUp(resources: RehearsalContext["resources"], standUp: AwsStandUp): Check[] {
    const rows: Check[] = standUp.limits.map((limit) => ({ kind: "not rehearsed", name: "IAM resource scoping", status: "skip", detail: limit }));
    const skipped = new Map<string, number>();
    for (const r of resources) if (r.custom && !played.has(r.type) && !standUp.created.has(r.type)) skipped.set(r.type, (skipped.get(r.type) ?? 0) + 1);
    if (skipped.size) {
        rows.push({ kind: "not rehearsed", name: "resources moto does not stand up here", status: "skip", detail: [...skipped].map(([type, n]) => `${n} ${type.split(":").pop()}`).join(", ") });
    }
    return rows;
}
