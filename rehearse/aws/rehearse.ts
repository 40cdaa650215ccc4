import type { RehearsalContext } from "../context";
import { walkWorkers } from "../paths/walk";
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
    const { resources } = context;
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
    await moto.authorize(true);
    const stood = standUp;
    let driver: Awaited<ReturnType<typeof awsDriver>>;
    try {
        driver = await awsDriver({ endpoint: moto.endpoint, region, resources, standUp: stood });
    } catch (error) {
        // A planned function or VM service that cannot even start (no bundle, no role) fails here, with why.
        await moto.authorize(false);
        return [...checks, { kind: "path", name: "start the planned code (functions and VM services)", status: "fail", detail: (error as Error).message }];
    }
    try {
        checks.push(
            // `dlq redrive` holds a FIFO dead letter back for the source's 5-minute deduplication window, so it cannot move in a rehearsal.
            ...(await walkWorkers(context, driver, (queue) => (queue.ordering === "fifo" ? `${queue.name} is FIFO: \`dlq redrive\` waits out its 5-minute deduplication window` : undefined))),
        );
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
