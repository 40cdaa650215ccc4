/**
 * The baseline of bench/plan: a program that creates the same resources with the same inputs
 * directly, through the provider classes (`new aws.sqs.Queue(name, inputs)`, ...), with no
 * queuestack component, spec or bundler in between, run under the same offline mocks as
 * `npm run plan`. The resources and inputs come from record.ts, so both sides register identical
 * inputs, code packages included.
 *
 *     npx tsx bench/plan/handwritten.ts /tmp/plan-dev.json
 */
import { readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { runOffline } from "../../components/testing/offline";

interface Recorded {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
}

/** Turns record.ts's JSON markers back into assets and archives. */
function fromJson(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(fromJson);
    if (value === null || typeof value !== "object") return value;
    const object = value as Record<string, unknown>;
    if ("$asset" in object) return new pulumi.asset.StringAsset(String(object.$asset));
    if ("$file" in object) return new pulumi.asset.FileAsset(String(object.$file));
    if ("$archive" in object) {
        return new pulumi.asset.AssetArchive(Object.fromEntries(Object.entries(object.$archive as object).map(([k, v]) => [k, fromJson(v)])) as Record<string, pulumi.asset.Asset>);
    }
    return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, fromJson(v)]));
}

type ResourceClass = new (name: string, args: Record<string, unknown>) => pulumi.CustomResource;

/** `aws:sqs/queue:Queue` -> aws.sqs.Queue; `random:index/randomPassword:RandomPassword` -> random.RandomPassword. */
function resourceClass(type: string): ResourceClass {
    const [pkg, modulePath, className] = type.split(":");
    const module = modulePath.split("/")[0];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const root = require(`@pulumi/${pkg}`) as Record<string, Record<string, unknown>>;
    const found = (module === "index" ? root[className] : root[module]?.[className]) as ResourceClass | undefined;
    if (!found) throw new Error(`bench/plan: no class for ${type} in @pulumi/${pkg}`);
    return found;
}

async function main(): Promise<void> {
    const file = process.argv[2];
    if (!file) throw new Error("usage: handwritten.ts <recorded.json>");
    const recorded = JSON.parse(readFileSync(file, "utf8")) as Recorded[];
    const { resources } = await runOffline(() => {
        for (const r of recorded) new (resourceClass(r.type))(r.name, fromJson(r.inputs) as Record<string, unknown>);
    });
    process.stdout.write(`${resources.length} resources\n`);
}

main().then(
    () => process.exit(0),
    (error: unknown) => {
        process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
        process.exit(1);
    },
);
