import { daysOfSupportLeft, findRelease, newestRelease, type RuntimePlatform, runtimeReleases } from "../../components/runtimes";

/** What each platform is called in a message. */
const platformNames: Record<RuntimePlatform, string> = {
    "aws-lambda": "AWS Lambda",
    "azure-functions": "Azure Functions",
    "gcp-functions": "Cloud Functions",
    node: "Node.js",
};

/** What each platform does with a runtime past its end of support (see the sources in components/runtimes.ts). */
const consequences: Record<RuntimePlatform, string> = {
    "aws-lambda": "Lambda blocks creating and then updating functions on a deprecated runtime",
    "azure-functions": "Azure Functions no longer supports it and Flex Consumption drops it from its catalog",
    "gcp-functions": "Cloud Functions refuses deploys of it once it is decommissioned",
    node: "it gets no security fixes",
};

/**
 * Why a Node.js runtime a program sets is past its end of support, per the dated table in
 * components/runtimes.ts: "its support ended on <date>", "Node.js 14 is older than every release ...",
 * or undefined while it is supported (or not a Node.js runtime the table can judge).
 * `nodeMajor` is the Node.js major the id names, used for ids the table no longer lists.
 */
export function endedRuntime(platform: RuntimePlatform, id: string, nodeMajor: number | undefined, today: Date): string | undefined {
    const entry = findRelease(platform, id);
    if (entry) return daysOfSupportLeft(entry, today) < 0 ? `its support ended on ${entry.endOfSupport}` : undefined;
    const oldest = Math.min(...runtimeReleases.filter((r) => r.platform === platform).map((r) => r.nodeMajor));
    return nodeMajor !== undefined && nodeMajor < oldest ? `Node.js ${nodeMajor} is older than every release in the runtime table (oldest: Node.js ${oldest})` : undefined;
}

/** The violation text for a function on an ended runtime: resource, value, why, consequence and fix. */
export function endedRuntimeMessage(platform: RuntimePlatform, who: string, setting: string, value: string, why: string, fix: (newestId: string) => string): string {
    const newest = newestRelease(platform).id;
    return `${who} sets ${setting} "${value}" (${platformNames[platform]}): ${why}, and ${consequences[platform]}, so deploying it fails. ${fix(newest)}`;
}

/** The Node.js major in a runtime id (`nodejs20.x`, `nodejs20`, `Node|20-lts`, `~20`, `20`), if any. */
export function nodeMajorOf(id: string): number | undefined {
    const match = /^(?:nodejs|node\||~)?(\d+)/i.exec(id.trim());
    return match ? Number(match[1]) : undefined;
}
