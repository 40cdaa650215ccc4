import type { RehearsalContext } from "../context";
import { patternPaths } from "../paths/patterns";
import { walkPaths } from "../paths/walk";
import { check, type Check } from "../report";
import { notStoodUp } from "../stood-up";
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
    const { resources, spec } = context;
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
        return [...checks, ...notStoodUpOnMoto(resources, standUp)];
    }
    await moto.authorize(true);
    const driver = await awsDriver({ endpoint: moto.endpoint, region, resources, standUp });
    try {
        const queue = functionWorker.queue;
        const fifo = spec.queues.find((q) => q.name === queue)?.ordering === "fifo";
        checks.push(
            ...(await walkPaths(context, driver, queue, {
                // An ordered (FIFO) queue takes messages with a group key only.
                routing: fifo ? { "x-group-key": "rehearsal" } : {},
                // `dlq redrive` holds a FIFO dead letter back for the source's 5-minute deduplication window, so it cannot move in a rehearsal.
                redriveSkipped: fifo ? `${queue} is FIFO: \`dlq redrive\` waits out its 5-minute deduplication window` : undefined,
            })),
        );
        checks.push(...(await patternPaths(spec, driver, context.samples, context.progress)));
    } finally {
        await driver.stop();
        await moto.authorize(false);
    }
    checks.push(...notStoodUpOnMoto(resources, standUp));
    return checks;
}

/** Rows for what moto checks less than AWS, and the planned types nobody stood up. */
function notStoodUpOnMoto(resources: RehearsalContext["resources"], standUp: AwsStandUp): Check[] {
    const rows: Check[] = standUp.limits.map((limit) => ({ kind: "not rehearsed", name: "IAM resource scoping", status: "skip", detail: limit }));
    return [...rows, ...notStoodUp(resources, played, standUp.created, "resources moto does not stand up here")];
}
