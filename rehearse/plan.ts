import { readFileSync } from "node:fs";
import type { MockResourceArgs } from "@pulumi/pulumi/runtime";
import { computedState } from "../components/testing/computed-state";
import type { PlannedResource } from "../components/testing/offline";

export type { PlannedResource };

/** The planned resources of one type (custom resources only). */
export const ofType = (resources: PlannedResource[], type: string) => resources.filter((r) => r.custom && r.type === type);

/**
 * The values the offline plan gave a resource for what the cloud computes (id, arn, url, name):
 * what other resources' planned inputs (environment variables, policies) refer to it by.
 */
export function plannedRefs(resource: PlannedResource): Record<string, string> {
    return Object.fromEntries(Object.entries(plannedState(resource)).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
}

/** Everything the offline plan computed for a resource (nested outputs too, e.g. a function's serviceConfig.uri). */
export function plannedState(resource: PlannedResource): Record<string, unknown> {
    return computedState({ type: resource.type, name: resource.name, inputs: resource.inputs, custom: true } as MockResourceArgs);
}

/** Pulumi's marker for a secret value inside serialized inputs. */
const secretSignature = "1b47061264138c4ac30d75fd1eb44270";

/** A planned input with secret wrappers removed. */
export function unwrapSecret(value: unknown): unknown {
    if (value && typeof value === "object" && Object.values(value).includes(secretSignature) && "value" in value) return (value as { value: unknown }).value;
    return value;
}

/** A planned string input (secrets unwrapped), or undefined. */
export const stringInput = (resource: PlannedResource, key: string): string | undefined => {
    const value = unwrapSecret(resource.inputs[key]);
    return typeof value === "string" ? value : undefined;
};

interface AssetLike {
    text?: Promise<string> | string;
    assets?: Promise<Record<string, AssetLike>> | Record<string, AssetLike>;
}

/**
 * The files of a planned archive input (a Lambda's `code`, a bucket object's `source`): the very
 * bundle `pulumi up` would upload, read from the plan. Empty when the input is not an archive of
 * text assets.
 */
export async function archiveFiles(input: unknown): Promise<Record<string, string>> {
    const archive = input as AssetLike | undefined;
    const assets = archive && typeof archive === "object" ? await archive.assets : undefined;
    if (!assets) return {};
    const files: Record<string, string> = {};
    for (const [name, asset] of Object.entries(assets)) {
        const text = await asset.text;
        if (typeof text === "string") files[name] = text;
        else Object.assign(files, Object.fromEntries(Object.entries(await archiveFiles(asset)).map(([inner, body]) => [`${name}/${inner}`, body])));
    }
    return files;
}

/** The text of a planned single-file asset input (a StringAsset's text, a FileAsset's file), or undefined. */
export async function assetText(input: unknown): Promise<string | undefined> {
    const asset = input as (AssetLike & { path?: Promise<string> | string }) | undefined;
    const text = await asset?.text;
    if (typeof text === "string") return text;
    const file = await asset?.path;
    return typeof file === "string" ? readFileSync(file, "utf8") : undefined;
}

/**
 * Replaces planned references (offline ids, ARNs, URLs) inside a value, deeply, with what the
 * emulator gave the same resource: longest first, so a URL is not half-replaced by a name.
 */
export function substitute<T>(value: T, map: Map<string, string>): T {
    const keys = [...map.keys()].filter((k) => k !== map.get(k)).sort((a, b) => b.length - a.length);
    const replace = (text: string) => keys.reduce((out, key) => out.split(key).join(map.get(key)!), text);
    const walk = (v: unknown): unknown => {
        if (typeof v === "string") return replace(v);
        if (Array.isArray(v)) return v.map(walk);
        if (v && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) return Object.fromEntries(Object.entries(v).map(([k, inner]) => [k, walk(inner)]));
        return v;
    };
    return walk(value) as T;
}
