import { createHash } from "node:crypto";
import { archiveFiles, type PlannedResource } from "../plan";

/** Planned types that run worker code: a change of the code must change one of their inputs. */
export const computeTypes = new Set([
    "aws:lambda/function:Function",
    "aws:ec2/launchTemplate:LaunchTemplate",
    "gcp:cloudfunctionsv2/function:Function",
    "gcp:compute/instanceTemplate:InstanceTemplate",
    "azure-native:web:WebApp",
    "azure-native:compute:VirtualMachineScaleSet",
]);

/**
 * Resources that carry a compute resource's settings apart from it, found by the site name they
 * target: a Flex Consumption site takes its app settings from its own resource (applied after the
 * package), and a change there restarts the site on the new package.
 */
const companionTypes = new Set(["azure-native:web:WebAppApplicationSettings"]);

/** Inputs as the engine diffs them: archives by their content's hash (mocks show archives empty). */
async function comparable(value: unknown): Promise<unknown> {
    if (value && typeof value === "object" && (value as { __pulumiArchive?: unknown }).__pulumiArchive !== undefined) {
        const files = await archiveFiles(value);
        return `archive:${createHash("sha256").update(JSON.stringify(Object.entries(files).sort())).digest("hex")}`;
    }
    if (Array.isArray(value)) return Promise.all(value.map(comparable));
    if (value && typeof value === "object") return Object.fromEntries(await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await comparable(v)])));
    return value;
}

/**
 * Compute resources of `workers` whose inputs (and their settings resources') are identical in both
 * plans although every worker's code changed between them: `pulumi up` would leave the old code
 * running there.
 */
export async function rolloutProblems(before: PlannedResource[], after: PlannedResource[], workers: string[]): Promise<{ problems: string[]; checked: number }> {
    const runs = (r: PlannedResource) => r.custom && computeTypes.has(r.type) && workers.some((w) => r.name.includes(`-${w}-`) || r.name.endsWith(`-${w}`));
    const problems: string[] = [];
    let checked = 0;
    for (const resource of before.filter(runs)) {
        const changed = after.find((r) => r.type === resource.type && r.name === resource.name);
        if (!changed) continue;
        checked++;
        const same = async (a: PlannedResource, b: PlannedResource) => JSON.stringify(await comparable(a.inputs)) === JSON.stringify(await comparable(b.inputs));
        const siteName = resource.inputs.name;
        const companions = before.filter((r) => companionTypes.has(r.type) && siteName !== undefined && r.inputs.name === siteName);
        let companionChanged = false;
        for (const companion of companions) {
            const next = after.find((r) => r.type === companion.type && r.name === companion.name);
            if (next && !(await same(companion, next))) companionChanged = true;
        }
        if ((await same(resource, changed)) && !companionChanged) {
            problems.push(`${resource.type.split(":").pop()} ${resource.name}: no input changes when the worker's code changes, so \`pulumi up\` would not roll the new code out. Derive an input from the code (a content hash in a setting, tag or object name).`);
        }
    }
    return { problems, checked };
}
