import { daysOfSupportLeft, deployedRuntimeProblems, findRelease, runtimeSupportMarginDays, type RuntimePlatform } from "../../components/runtimes";
import { ofType, type PlannedResource } from "../plan";

/** Where each planned function resource names its runtime. */
const runtimeInputs: { type: string; platform: RuntimePlatform; read(inputs: Record<string, unknown>): string | undefined }[] = [
    { type: "aws:lambda/function:Function", platform: "aws-lambda", read: (i) => i.runtime as string | undefined },
    { type: "gcp:cloudfunctionsv2/function:Function", platform: "gcp-functions", read: (i) => (i.buildConfig as { runtime?: string } | undefined)?.runtime },
    {
        type: "azure-native:web:WebApp",
        platform: "azure-functions",
        read: (i) => (i.functionAppConfig as { runtime?: { name?: string; version?: string } } | undefined)?.runtime?.version,
    },
];

/**
 * The dated runtime table's verdict (components/runtimes.ts `deployedRuntimeProblems`), then every
 * planned function's own runtime: known to the table and supported for at least the margin.
 */
export function runtimeProblems(resources: PlannedResource[], today: Date): string[] {
    const planned = runtimeInputs.flatMap(({ type, platform, read }) =>
        ofType(resources, type).flatMap((resource) => {
            const id = read(resource.inputs);
            if (id === undefined) return [];
            const entry = findRelease(platform, id);
            if (!entry) return [`${resource.name}: runtime "${id}" is not in the dated table (components/runtimes.ts); deploy a runtime from deployedRuntimes.`];
            const left = daysOfSupportLeft(entry, today);
            if (left >= runtimeSupportMarginDays) return [];
            return [`${resource.name}: runtime "${id}" ${left < 0 ? `ended ${entry.endOfSupport}` : `ends ${entry.endOfSupport} (${left} days left)`}; it needs ${runtimeSupportMarginDays}. Deploy a runtime from deployedRuntimes in components/runtimes.ts.`];
        }),
    );
    return [...deployedRuntimeProblems(today), ...planned];
}
