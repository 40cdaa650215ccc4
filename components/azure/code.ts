import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import * as pulumi from "@pulumi/pulumi";
import { bundleWorker, entryFile } from "../build/bundle";

const azureEntry = (name: string) => entryFile(`workers/azure/${name}`);

/** The Azure adapter entries the components bundle (written by the worker runtime). */
export const azureWorkerEntries = {
    /** Function App with a Service Bus trigger on `%QUEUESTACK_QUEUE_NAME%` (imports `queuestack:handler`). */
    functionWorker: azureEntry("function-worker"),
    /** Function App with the HTTP trigger that validates, authenticates and enqueues (no user module). */
    frontEnd: azureEntry("front-end"),
    /** Runnable Service Bus receiver for scale set instances (imports `queuestack:handler`). */
    vmReceiver: azureEntry("vm-receiver"),
} as const;

/** Where each Azure role's code comes from; the default bundles `azureWorkerEntries`. */
export interface AzureCodeSource {
    /** The zipped Function App of a Service Bus worker running `handlerModule`. */
    functionWorker(handlerModule: string): pulumi.Input<pulumi.asset.Archive>;
    /** The zipped Function App of the HTTP front end. */
    frontEnd(): pulumi.Input<pulumi.asset.Archive>;
    /** The single-file receiver script a scale set instance runs with `node`. */
    vmReceiver(handlerModule: string): pulumi.Input<string>;
}

/**
 * host.json of every queuestack Function App. Trigger settings (concurrency, lock renewal,
 * auto-complete) are app settings instead (`serviceBusHostSettings`), so one package fits all.
 */
export const hostJson = { version: "2.0", extensionBundle: { id: "Microsoft.Azure.Functions.ExtensionBundle", version: "[4.*, 5.0.0)" } };

/** A Function App zip: the bundled entry as index.js, its package.json and host.json. */
export function functionAppArchive(bundle: pulumi.Input<string>): pulumi.Output<pulumi.asset.AssetArchive> {
    return pulumi.output(bundle).apply(
        (code) =>
            new pulumi.asset.AssetArchive({
                "index.js": new pulumi.asset.StringAsset(code),
                "package.json": new pulumi.asset.StringAsset(JSON.stringify({ name: "queuestack-function", main: "index.js" })),
                "host.json": new pulumi.asset.StringAsset(JSON.stringify(hostJson)),
            }),
    );
}

/** The code source that bundles the Azure adapter entries with esbuild (offline). */
export const bundledAzureCode: AzureCodeSource = {
    functionWorker: (handlerModule) => functionAppArchive(bundleWorker({ entry: azureWorkerEntries.functionWorker, handlerModule })),
    frontEnd: () => functionAppArchive(bundleWorker({ entry: azureWorkerEntries.frontEnd })),
    vmReceiver: (handlerModule) => bundleWorker({ entry: azureWorkerEntries.vmReceiver, handlerModule }),
};

/**
 * SHA-256 (hex) of an archive's contents: each entry's name and bytes, in name order, nested
 * archives included. Equal archives give equal digests, so it names a package by its content.
 */
export async function archiveDigest(archive: pulumi.asset.Archive | ArchiveLike): Promise<string> {
    const hash = createHash("sha256");
    for (const [entry, content] of await archiveEntries(archive, "")) hash.update(`${entry}\0${content.length}\0`).update(content);
    return hash.digest("hex");
}

// Duck-typed: Pulumi may hand an archive on as a plain copy of its fields (`assets`, `text`, `path`).
type ArchiveLike = { assets?: unknown };
type AssetLike = { text?: unknown; path?: unknown; assets?: unknown };

async function archiveEntries(archive: ArchiveLike, prefix: string): Promise<[string, Buffer][]> {
    const assets = (await archive.assets) as Record<string, AssetLike> | undefined;
    if (!assets) throw new Error("archiveDigest: only AssetArchive packages are supported (the package has no assets)");
    const entries = await Promise.all(Object.keys(assets).sort().map(async (name): Promise<[string, Buffer][]> => {
        const item = assets[name];
        if (item.assets !== undefined) return archiveEntries(item, `${prefix}${name}/`);
        return [[`${prefix}${name}`, await assetBytes(item, `${prefix}${name}`)]];
    }));
    return entries.flat();
}

async function assetBytes(asset: AssetLike, entry: string): Promise<Buffer> {
    const text = await asset.text;
    if (typeof text === "string") return Buffer.from(text);
    const path = await asset.path;
    if (typeof path === "string") return readFile(path);
    throw new Error(`archiveDigest: entry "${entry}" is neither a StringAsset nor a FileAsset`);
}
