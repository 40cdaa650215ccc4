import { asList, type Props, text } from "../lib/stack";
import { resourcePolicy } from "../lib/policy";
import { endedRuntime, endedRuntimeMessage, nodeMajorOf } from "../lib/runtimes";

/** The Node.js version a Function App sets, and where: Flex `functionAppConfig.runtime`, `linuxFxVersion`, or `WEBSITE_NODE_DEFAULT_VERSION`. */
function nodeVersionOf(props: Props): { setting: string; value: string; fix: string } | undefined {
    const flex = props.functionAppConfig?.runtime;
    if (typeof flex?.name === "string" && flex.name.toLowerCase() === "node" && text(flex.version)) {
        return { setting: "functionAppConfig.runtime.version", value: String(flex.version), fix: "functionAppConfig.runtime.version" };
    }
    const fx = text(props.siteConfig?.linuxFxVersion);
    if (fx && /^node\|/i.test(fx)) return { setting: "siteConfig.linuxFxVersion", value: fx, fix: "siteConfig.linuxFxVersion (\"Node|<version>\")" };
    const setting = asList<Props>(props.siteConfig?.appSettings).find((s) => s.name === "WEBSITE_NODE_DEFAULT_VERSION");
    if (text(setting?.value)) return { setting: "app setting WEBSITE_NODE_DEFAULT_VERSION", value: String(setting?.value), fix: "WEBSITE_NODE_DEFAULT_VERSION (\"~<version>\")" };
    return undefined;
}

/**
 * Function Apps (azure-native `web.WebApp` with `kind` containing `functionapp`, or a Flex
 * Consumption `functionAppConfig`) run on a Node.js version Azure Functions still supports, per
 * the dated table in components/runtimes.ts (https://learn.microsoft.com/azure/azure-functions/supported-languages).
 * Reads the three forms programs use: Flex `functionAppConfig.runtime`, Linux
 * `siteConfig.linuxFxVersion` (`Node|20`) and Windows `WEBSITE_NODE_DEFAULT_VERSION` (`~20`).
 */
export const azureWebFunctionAppRequireSupportedRuntime = resourcePolicy<Props>({
    name: "azure-web-function-app-require-supported-runtime",
    description: "Function Apps run on a Node.js version Azure Functions still supports.",
    enforcementLevel: "mandatory",
    types: ["azure-native:web:WebApp"],
    validate: (props, { args, report }) => {
        const functionApp = props.functionAppConfig !== undefined || String(props.kind ?? "").toLowerCase().includes("functionapp");
        const version = functionApp ? nodeVersionOf(props) : undefined;
        if (!version) return args.notApplicable("Not a Node.js Function App");
        const major = nodeMajorOf(version.value.replace(/^node\|/i, ""));
        const why = major === undefined ? undefined : endedRuntime("azure-functions", String(major), major, new Date());
        if (why) report(endedRuntimeMessage("azure-functions", `Function App "${args.name}"`, version.setting, version.value, why, (newest) => `Set ${version.fix} to Node.js ${newest}.`));
    },
});
