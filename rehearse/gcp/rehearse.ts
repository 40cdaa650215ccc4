import type { RehearsalContext } from "../context";
import { walkWorkers } from "../paths/walk";
import { ofType, stringInput } from "../plan";
import { check, type Check } from "../report";
import { notStoodUp } from "../stood-up";
import { gcpDriver } from "./driver";
import { standUpGcp, type GcpStandUp } from "./stand-up";

/** Planned types the rehearsal itself plays (functions run their sources, push is delivered, VM services run their bundles). */
const played = new Set([
    "gcp:cloudfunctionsv2/function:Function",
    "gcp:storage/bucketObject:BucketObject",
    "gcp:compute/instanceTemplate:InstanceTemplate",
    "gcp:secretmanager/secretVersion:SecretVersion",
]);

/** What the GCP emulators cannot check, said in every GCP report. */
const unchecked: Check[] = [
    { kind: "not rehearsed", name: "IAM on GCP", status: "skip", detail: "the Pub/Sub and Firestore emulators enforce no IAM: the planned service accounts' grants were not exercised" },
    { kind: "not rehearsed", name: "push authentication", status: "skip", detail: "push envelopes carry the planned OIDC identity and audience, unsigned: Cloud Run's invoker check is not rehearsed" },
    { kind: "not rehearsed", name: "Secret Manager", status: "skip", detail: "no emulator: the planned secret version's value is handed to the function as its secret variable" },
];

/**
 * GCP on the gcloud emulators: stand the planned topics, subscriptions and Firestore database up,
 * run the planned function sources and VM bundles with their planned environment, deliver push
 * subscriptions as Pub/Sub would, and walk the paths of each worker's queue.
 */
export async function rehearseGcp(context: RehearsalContext): Promise<Check[]> {
    const { resources } = context;
    const topic = ofType(resources, "gcp:pubsub/subscription:Subscription").map((s) => stringInput(s, "topic")).find(Boolean);
    const project = /^projects\/([^/]+)\//.exec(topic ?? "")?.[1] ?? String(context.config["gcp:project"] ?? "demo-project");
    const [pubsubEmulator, firestoreEmulator] = await Promise.all([context.emulators.pubsub(project), context.emulators.firestore(project)]);
    const checks: Check[] = [];
    let standUp: GcpStandUp | undefined;
    checks.push(
        await check("path", "stand up the planned resources on the Pub/Sub and Firestore emulators", async () => {
            standUp = await standUpGcp(project, pubsubEmulator, firestoreEmulator, resources);
            return [...standUp.created].map(([type, n]) => `${n} ${type.split(":").pop()}`).join(", ");
        }),
    );
    if (!standUp) return checks;
    const stood = standUp;
    let driver: Awaited<ReturnType<typeof gcpDriver>>;
    try {
        driver = await gcpDriver({ project, resources, standUp: stood, pubsubEmulator, firestoreEmulator });
    } catch (error) {
        // A planned function or VM service that cannot even start (no bundle, no role) fails here, with why.
        return [...checks, { kind: "path", name: "start the planned code (functions and VM services)", status: "fail", detail: (error as Error).message }];
    }
    try {
        checks.push(...(await walkWorkers(context, driver)));
    } finally {
        await driver.stop();
    }
    checks.push(...standUp.limits.map((limit): Check => ({ kind: "not rehearsed", name: "emulator differs from the plan", status: "skip", detail: limit })));
    checks.push(...unchecked, ...notStoodUp(resources, played, standUp.created, "resources the emulators do not stand up"));
    return checks;
}
