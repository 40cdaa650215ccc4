/**
 * Writes what `npm run plan -- --stack <name>` registers (every provider resource, its type,
 * name and inputs, code packages with their text) to a JSON file that handwritten.ts replays.
 *
 *     npx tsx bench/plan/record.ts --stack dev --out /tmp/plan-dev.json
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { runStackOffline } from "../../cli/offline-stack";

/** An input with its assets and archives as plain JSON ({ $asset: text } / { $archive: {...} }). */
export async function toJson(value: unknown): Promise<unknown> {
    if (pulumi.asset.Asset.isInstance(value)) {
        const asset = value as pulumi.asset.StringAsset & pulumi.asset.FileAsset;
        const text = await asset.text;
        if (text !== undefined) return { $asset: text };
        return { $file: await asset.path };
    }
    if (pulumi.asset.Archive.isInstance(value)) {
        const assets = await (value as pulumi.asset.AssetArchive).assets;
        if (!assets) throw new Error("bench/plan: only AssetArchive packages are recorded");
        return { $archive: Object.fromEntries(await Promise.all(Object.entries(assets).map(async ([k, v]) => [k, await toJson(v)]))) };
    }
    if (Array.isArray(value)) return Promise.all((value as unknown[]).map(toJson));
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await toJson(v)])));
    }
    return value;
}

async function main(): Promise<void> {
    const { values } = parseArgs({ options: { stack: { type: "string", default: "dev" }, out: { type: "string" } } });
    if (!values.out) throw new Error("bench/plan/record.ts: --out <file> is required");
    const { resources } = await runStackOffline(values.stack!);
    const custom = await Promise.all(resources.filter((r) => r.custom).map(async (r) => ({ type: r.type, name: r.name, inputs: await toJson(r.inputs) })));
    writeFileSync(values.out, JSON.stringify(custom));
    process.stdout.write(`${custom.length} resources of stack ${values.stack} written to ${values.out}\n`);
}

if (require.main === module) {
    main().then(
        () => process.exit(0),
        (error: unknown) => {
            process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
            process.exit(1);
        },
    );
}
