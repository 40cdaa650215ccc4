import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { Cloud, Spec } from "../../components/spec";
import type { PlannedResource } from "../plan";
import { check, type Check } from "../report";
import { environmentProblems, lambdaEnvironmentLimitBytes } from "./environment";
import type { NameScope } from "./name-rules";
import { collisions, nameProblems } from "./names";
import { rolloutProblems } from "./rollout";
import { runtimeProblems } from "./runtimes";

/** Plans the same program again with other config (a second region, stack, or changed code). */
export type Replan = (stack: string, config: Record<string, unknown>) => Promise<PlannedResource[]>;

/**
 * Where each cloud's stack is planned again as "a second region", and the name scopes the two
 * copies share. AWS and Azure: another region of the same account or subscription, so account-wide
 * names (IAM roles, dashboards, resource groups) and cloud-wide ones must differ. Google Cloud: a
 * project holds one copy of a stack whatever the region: Pub/Sub topics and subscriptions are
 * `projects/{project}/topics/{topic}` and service account ids are "unique within a project"
 * (https://cloud.google.com/iam/docs/reference/rest/v1/projects.serviceAccounts/create), so a
 * second region of one stack in one project would collide on its topics before any account. Its
 * second region is therefore planned in a second project, and only cloud-wide names (buckets)
 * must differ; project-wide ones are held apart per stack (the second-stack contract).
 */
const regions: Record<Cloud, { config: Record<string, string>; what: string; shared: NameScope[] } | undefined> = {
    aws: { config: { "aws:region": "us-east-2" }, what: "region us-east-2", shared: ["account", "cloud"] },
    gcp: { config: { "gcp:region": "us-central1", "gcp:project": "queuestack-second-project" }, what: "region us-central1 (project queuestack-second-project)", shared: ["cloud"] },
    azure: { config: { "azure-native:location": "eastus2" }, what: "region eastus2", shared: ["account", "cloud"] },
    local: undefined,
} as Record<Cloud, { config: Record<string, string>; what: string; shared: NameScope[] } | undefined>;

const fail = (problems: string[], ok: string) => {
    if (problems.length) throw new Error(problems.join(" | "));
    return ok;
};

/**
 * A module that default-exports `module`'s worker with one added statement: the same worker, other
 * code. Bundled in place of each worker's code, it must change an input of every resource running it.
 */
function changedWorker(module: string): { code: string; remove(): void } {
    const dir = mkdtempSync(path.join(tmpdir(), "queuestack-changed-worker-"));
    writeFileSync(path.join(dir, "index.ts"), `import worker from ${JSON.stringify(module)};\n(globalThis as Record<string, unknown>).queuestackRehearsal = ${JSON.stringify(randomUUID())};\nexport default worker;\n`);
    return { code: dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface ContractInput {
    stack: string;
    cloud: Cloud;
    config: Record<string, unknown>;
    spec: Spec;
    resources: PlannedResource[];
    /** Plans again for the collision and roll-out contracts; without it they are skipped. */
    replan?: Replan;
    /** Where workers[].code is relative to. */
    projectRoot: string;
    today: Date;
}

/** The contracts no emulator needs: runtimes, names, global-name collisions, environment size, code roll-out. */
export async function contractChecks(input: ContractInput): Promise<Check[]> {
    const { resources, replan, config, cloud } = input;
    const checks: Check[] = [
        await check("contract", "runtimes supported 90+ more days", async () => fail(runtimeProblems(resources, input.today), "every planned runtime, and the dated table's deployed ones")),
        await check("contract", "physical names fit their cloud's rules", async () => fail(nameProblems(resources), "every planned name")),
    ];
    if (cloud === "aws") {
        checks.push(
            await check("contract", `function environments fit ${lambdaEnvironmentLimitBytes / 1024} KB`, async () => {
                const { problems, largest } = environmentProblems(resources);
                return fail(problems, `largest ${largest} bytes`);
            }),
        );
    }
    if (!replan) return checks;
    const region = regions[cloud];
    if (region) {
        checks.push(
            await check("contract", "global names differ in a second region", async () => {
                const other = await replan(input.stack, { ...config, ...region.config });
                return fail(collisions(resources, other, region.what, region.shared), `planned again in ${region.what}; ${region.shared.join(" and ")}-wide names compared`);
            }),
        );
    }
    checks.push(
        await check("contract", "global names differ in a second stack", async () => {
            const other = await replan(`${input.stack}-second`, config);
            return fail(collisions(resources, other, `stack ${input.stack}-second`), `planned again as ${input.stack}-second`);
        }),
    );
    checks.push(
        await check("contract", "a worker code change rolls out", async () => {
            const spec = config["queuestack:spec"] as { workers?: { code?: string }[] };
            const changes = input.spec.workers.map((w) => changedWorker(path.resolve(input.projectRoot, w.code)));
            try {
                const workers = (spec.workers ?? []).map((w, i) => ({ ...w, code: changes[i]!.code }));
                const after = await replan(input.stack, { ...config, "queuestack:spec": { ...spec, workers } });
                const { problems, checked } = await rolloutProblems(resources, after, input.spec.workers.map((w) => w.name));
                if (checked === 0) throw new Error(`no planned compute resource is named after a worker (${input.spec.workers.map((w) => w.name).join(", ")})`);
                return fail(problems, `${checked} compute resources change`);
            } finally {
                changes.forEach((c) => c.remove());
            }
        }),
    );
    return checks;
}
