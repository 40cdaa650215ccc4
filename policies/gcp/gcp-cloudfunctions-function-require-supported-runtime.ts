import { cloudFunctionGen1Type as gen1, cloudFunctionGen2Type as gen2 } from "../lib/gcp";
import { resourcePolicy } from "../lib/policy";
import { endedRuntime, endedRuntimeMessage, nodeMajorOf } from "../lib/runtimes";
import type { Props } from "../lib/stack";


/**
 * Cloud Functions run on a Node.js runtime Google still supports, per the dated table in
 * components/runtimes.ts (https://cloud.google.com/run/docs/runtimes/function-runtimes): 2nd gen
 * `buildConfig.runtime`, 1st gen `runtime`. Other languages are not judged.
 */
export const gcpCloudfunctionsFunctionRequireSupportedRuntime = resourcePolicy<Props>({
    name: "gcp-cloudfunctions-function-require-supported-runtime",
    description: "Cloud Functions (1st and 2nd gen) run on a Node.js runtime Google still supports.",
    enforcementLevel: "mandatory",
    types: [gen2, gen1],
    validate: (props, { args, report }) => {
        const setting = args.type === gen2 ? "buildConfig.runtime" : "runtime";
        const runtime = args.type === gen2 ? props.buildConfig?.runtime : props.runtime;
        if (typeof runtime !== "string" || !runtime.startsWith("nodejs")) return args.notApplicable("Not a Node.js runtime");
        const why = endedRuntime("gcp-functions", runtime, nodeMajorOf(runtime), new Date());
        if (why) report(endedRuntimeMessage("gcp-functions", `Cloud Function "${args.name}"`, setting, runtime, why, (newest) => `Set ${setting}: "${newest}".`));
    },
});
