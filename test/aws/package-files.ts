import type { PlannedResource } from "../../components/testing/offline";

/** The text of one file of a planned Lambda function's deployment package (its `code` archive). */
export async function packageFile(fn: PlannedResource, file: string): Promise<string> {
    const archive = fn.inputs.code as { assets?: Promise<Record<string, { text?: Promise<string> }>> } | undefined;
    const assets = await archive?.assets;
    const asset = assets?.[file];
    if (!asset?.text) throw new Error(`${fn.name}: no file ${file} in its package (has ${Object.keys(assets ?? {}).join(", ") || "none"})`);
    return asset.text;
}

/** The routing table a planned front-end function reads at cold start (`queuestack-routes.json`). */
export async function routingTable(fn: PlannedResource): Promise<{ QUEUESTACK_QUEUES: Record<string, any>; QUEUESTACK_TOPICS?: Record<string, any> }> {
    return JSON.parse(await packageFile(fn, "queuestack-routes.json"));
}
