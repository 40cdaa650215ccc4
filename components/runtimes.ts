/**
 * The one dated table of the Node.js runtimes queuestack deploys, and of those it knows to be past
 * or near their end, on every platform. Components read the runtime they deploy from here; the
 * policy pack flags any program's function on a runtime that the table says is (nearly) done; the
 * rehearsal and the test suite fail when a runtime we deploy has less than
 * `runtimeSupportMarginDays` left, so the next move is made in CI, not by a user's failed deploy.
 *
 * Sources (re-check a date before relying on it; update this table, nothing else):
 * - AWS Lambda: https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html ("Supported
 *   runtimes": deprecation date; function create/update is blocked some weeks after it).
 * - Cloud Run functions: https://cloud.google.com/run/docs/runtimes/function-runtimes (Node.js:
 *   deprecation and decommission dates; after decommission no create/update).
 * - Azure Functions: https://learn.microsoft.com/azure/azure-functions/supported-languages (Node.js:
 *   expected end-of-support date; Flex Consumption drops versions from its catalog after it).
 * - Node.js itself (VMs install it): https://github.com/nodejs/Release (end-of-life dates).
 */

/** Where a runtime runs. */
export type RuntimePlatform = "aws-lambda" | "gcp-functions" | "azure-functions" | "node";

/** One runtime of one platform, with the date after which the platform stops taking deploys of it. */
export interface RuntimeRelease {
    platform: RuntimePlatform;
    /** The platform's own identifier: `nodejs24.x` (Lambda), `nodejs24` (Cloud Functions), `"22"` (Azure `FUNCTIONS` runtime version), `24` (Node.js major). */
    id: string;
    /** Node.js major version the runtime provides. */
    nodeMajor: number;
    /**
     * ISO date (UTC) from which deploys may be refused or support ends: Lambda's deprecation date,
     * Cloud Functions' deprecation date, Azure's end-of-support date, Node.js end of life.
     */
    endOfSupport: string;
    /** Support level on the platform when the table was last checked. */
    stage: "ga" | "preview";
}

/** The table. Keep every platform's entries newest first. */
export const runtimeReleases: readonly RuntimeRelease[] = [
    { platform: "aws-lambda", id: "nodejs24.x", nodeMajor: 24, endOfSupport: "2028-04-30", stage: "ga" },
    { platform: "aws-lambda", id: "nodejs22.x", nodeMajor: 22, endOfSupport: "2027-04-30", stage: "ga" },
    { platform: "aws-lambda", id: "nodejs20.x", nodeMajor: 20, endOfSupport: "2026-04-30", stage: "ga" },
    { platform: "aws-lambda", id: "nodejs18.x", nodeMajor: 18, endOfSupport: "2025-09-01", stage: "ga" },
    { platform: "aws-lambda", id: "nodejs16.x", nodeMajor: 16, endOfSupport: "2024-06-12", stage: "ga" },
    { platform: "gcp-functions", id: "nodejs24", nodeMajor: 24, endOfSupport: "2028-04-30", stage: "ga" },
    { platform: "gcp-functions", id: "nodejs22", nodeMajor: 22, endOfSupport: "2027-04-30", stage: "ga" },
    { platform: "gcp-functions", id: "nodejs20", nodeMajor: 20, endOfSupport: "2026-04-30", stage: "ga" },
    { platform: "gcp-functions", id: "nodejs18", nodeMajor: 18, endOfSupport: "2025-04-30", stage: "ga" },
    { platform: "azure-functions", id: "24", nodeMajor: 24, endOfSupport: "2028-04-30", stage: "preview" },
    { platform: "azure-functions", id: "22", nodeMajor: 22, endOfSupport: "2027-04-30", stage: "ga" },
    { platform: "azure-functions", id: "20", nodeMajor: 20, endOfSupport: "2026-04-30", stage: "ga" },
    { platform: "azure-functions", id: "18", nodeMajor: 18, endOfSupport: "2025-04-30", stage: "ga" },
    { platform: "node", id: "24", nodeMajor: 24, endOfSupport: "2028-04-30", stage: "ga" },
    { platform: "node", id: "22", nodeMajor: 22, endOfSupport: "2027-04-30", stage: "ga" },
    { platform: "node", id: "20", nodeMajor: 20, endOfSupport: "2026-04-30", stage: "ga" },
];

/** Days of support a deployed runtime must have left; less fails the runtime test and the rehearsal. */
export const runtimeSupportMarginDays = 90;

/**
 * What queuestack deploys on each platform. Change a runtime here and every component, bundle
 * target, boot script, policy and contract follows.
 */
export const deployedRuntimes = {
    /** `aws.lambda.Function.runtime` of every function. */
    awsLambda: release("aws-lambda", "nodejs24.x"),
    /** `cloudfunctionsv2.Function.buildConfig.runtime` of every function. */
    gcpFunctions: release("gcp-functions", "nodejs24"),
    /**
     * Flex Consumption `functionAppConfig.runtime` (name `node`, this version). Node 24 is in
     * preview on Azure Functions, and Flex refuses versions missing from its regional catalog, so
     * the GA version is deployed.
     */
    azureFunctions: release("azure-functions", "22"),
    /** Node.js installed on every VM worker (AWS, Azure, Google Cloud). */
    vm: release("node", "24"),
} as const;

/** The release of `id` on `platform`; throws for an id the table does not hold (a bug in this file). */
export function release(platform: RuntimePlatform, id: string): RuntimeRelease {
    const found = runtimeReleases.find((entry) => entry.platform === platform && entry.id === id);
    if (!found) throw new Error(`runtimes: no ${platform} runtime "${id}" in the table`);
    return found;
}

/** The table's entry for a runtime id a program sets, or undefined when the table does not know it. */
export function findRelease(platform: RuntimePlatform, id: string): RuntimeRelease | undefined {
    return runtimeReleases.find((entry) => entry.platform === platform && entry.id === id);
}

/** Whole days from `today` to a release's end of support (negative once past it). */
export function daysOfSupportLeft(entry: RuntimeRelease, today: Date): number {
    const end = Date.parse(`${entry.endOfSupport}T00:00:00Z`);
    return Math.floor((end - today.getTime()) / 86_400_000);
}

/** The newest GA release of a platform: what a fix text recommends. */
export function newestRelease(platform: RuntimePlatform): RuntimeRelease {
    const newest = runtimeReleases.find((entry) => entry.platform === platform && entry.stage === "ga");
    if (!newest) throw new Error(`runtimes: no GA ${platform} runtime in the table`);
    return newest;
}

/**
 * One line per deployed runtime with fewer than `marginDays` of support left on `today`, saying
 * which, when it ends and what to move to. Empty when every deployed runtime is safe.
 */
export function deployedRuntimeProblems(today: Date, marginDays = runtimeSupportMarginDays): string[] {
    return Object.entries(deployedRuntimes).flatMap(([role, entry]) => {
        const left = daysOfSupportLeft(entry, today);
        if (left >= marginDays) return [];
        const newest = newestRelease(entry.platform);
        const when = left < 0 ? `ended ${entry.endOfSupport}` : `ends ${entry.endOfSupport}, ${left} days from ${today.toISOString().slice(0, 10)}`;
        return [
            `deployedRuntimes.${role}: ${entry.platform} runtime "${entry.id}" ${when} (less than ${marginDays} days of support left). ` +
                `Move it to "${newest.id}" in components/runtimes.ts` +
                (newest.id === entry.id ? " after adding the platform's next release to the table." : "."),
        ];
    });
}
