import * as pulumi from "@pulumi/pulumi";
import type { MockCallArgs, MockResourceArgs } from "@pulumi/pulumi/runtime";
import { placeholderOutputs, recordDeclaredOutputs } from "./computed-outputs";
import { computedState } from "./computed-state";
import { defaultInvokeAnswers, type InvokeAnswer, UnansweredInvokeError } from "./invokes";

/** One resource a program would create, as seen offline. */
export interface PlannedResource {
    type: string;
    name: string;
    /** Logical name of the parent resource, or undefined for a root resource. */
    parent?: string;
    /** Type token of the parent resource. */
    parentType?: string;
    /** Logical names of the resources it waits for: its `dependsOn` and the resources whose outputs it takes. */
    dependencies?: string[];
    /** True for provider-managed resources, false for components. */
    custom: boolean;
    inputs: Record<string, unknown>;
}

export interface OfflineOptions {
    project?: string;
    stack?: string;
    /** Stack config, keys as in Pulumi.<stack>.yaml (`queuestack:cloud`, `aws:region`, ...). */
    config?: Record<string, unknown>;
    /** Config keys whose values are secrets (`config.requireSecret` returns them as secret outputs). @default [] */
    secretKeys?: string[];
    /**
     * Answers for provider functions (e.g. `aws:index/getAvailabilityZones:getAvailabilityZones`),
     * over the defaults of `defaultInvokeAnswers`. A function without an answer ends the run with
     * an UnansweredInvokeError naming it.
     */
    calls?: Record<string, InvokeAnswer>;
}

interface MonitorRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getDependenciesList(): string[];
}

const urnName = (urn: string) => urn.split("::").pop() ?? urn;
const urnType = (urn: string) => (urn.split("::")[2] ?? "").split("$").pop() ?? "";

/**
 * Runs a Pulumi program under mocks, with no CLI, engine or credentials, and returns every
 * resource it would create with its inputs and parent. Used by `npm run plan`, the offline policy
 * run and the tests. One run at a time per process: each call replaces the previous mocks.
 */
export async function runOffline<T>(program: () => T | Promise<T>, options: OfflineOptions = {}): Promise<{ result: T; resources: PlannedResource[] }> {
    const resources: PlannedResource[] = [];
    const calls = { ...defaultInvokeAnswers(options.config), ...options.calls };
    pulumi.runtime.setAllConfig(
        Object.fromEntries(Object.entries(options.config ?? {}).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)])),
        options.secretKeys ?? [],
    );
    // Pulumi turns an error thrown by a mock into a bare `Error` with no message: keep the first one.
    let callError: Error | undefined;
    const declared = recordDeclaredOutputs();
    await pulumi.runtime.setMocks(
        {
            newResource(args: MockResourceArgs) {
                resources.push({ type: args.type, name: args.name, custom: args.custom ?? true, inputs: args.inputs });
                // Code packages are not echoed: the SDK would serialize (and stringify, for a debug
                // log) every Function's bundle again, and no resource reads a package back.
                const computed = { ...withoutAssets(args.inputs), ...computedState(args) };
                // Outputs the provider computes that the program may read (a function URL, a domain name).
                const outputs = declared.outputs.get(`${args.type}::${args.name}`) ?? [];
                const state = { ...placeholderOutputs(args.type, String(computed.name ?? args.name), outputs, computed), ...computed };
                // Ids as each provider sets them (AWS names or URLs, Azure ARM ids, GCP resource names),
                // since other resources take them as input.
                return { id: args.custom === false ? undefined : String(state.id), state };
            },
            call(args: MockCallArgs) {
                const answer = calls[args.token];
                try {
                    if (!answer) throw new UnansweredInvokeError(args.token, args.inputs);
                    return answer(args);
                } catch (error) {
                    callError ??= error as Error;
                    throw error;
                }
            },
        },
        options.project ?? "queuestack",
        options.stack ?? "offline",
        false, // not a preview: every mocked output is known, so awaited outputs resolve
    );
    recordParents(resources);
    // Failures inside outputs (a bundle that does not build, a bad apply) surface asynchronously and
    // leave registrations pending forever; the first one ends the run with that error.
    let fail: (error: unknown) => void = () => undefined;
    const failed = new Promise<never>((_, reject) => (fail = reject));
    process.on("unhandledRejection", fail);
    try {
        const result = await Promise.race([Promise.resolve().then(program), failed]);
        await Promise.race([drain(), failed]);
        return { result, resources };
    } catch (error) {
        // The failed run's pending operations are abandoned: not leaks to report when the process exits.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        (require("@pulumi/pulumi/runtime/debuggable") as { leakedPromises(): unknown }).leakedPromises();
        throw callError ?? error;
    } finally {
        process.off("unhandledRejection", fail);
        declared.restore();
    }
}

/**
 * `inputs` without its assets and archives (at any depth), for the state a mock echoes back;
 * returns `inputs` itself when it holds none.
 */
export function withoutAssets(inputs: Record<string, unknown>): Record<string, unknown> {
    return strip(inputs) as Record<string, unknown>;
}

const isAsset = (value: unknown) => pulumi.asset.Asset.isInstance(value) || pulumi.asset.Archive.isInstance(value);

function strip(value: unknown): unknown {
    if (value === null || typeof value !== "object") return value;
    if (Array.isArray(value)) {
        const items = value.map((item) => (isAsset(item) ? undefined : strip(item)));
        return items.every((item, i) => item === value[i]) ? value : items;
    }
    let copy: Record<string, unknown> | undefined;
    for (const [key, item] of Object.entries(value)) {
        const stripped = isAsset(item) ? undefined : strip(item);
        if (stripped === item) continue;
        copy ??= { ...(value as Record<string, unknown>) };
        if (stripped === undefined) delete copy[key];
        else copy[key] = stripped;
    }
    return copy ?? value;
}

/** Wraps the mock monitor so each recorded resource learns its parent's name and type, and what it waits for. */
function recordParents(resources: PlannedResource[]): void {
    const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource(req: MonitorRequest, cb: unknown): Promise<void> };
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = async (req, cb) => {
        const parentUrn = req.getParent();
        const before = resources.length;
        await register(req, cb);
        const entry = resources.slice(before).find((r) => r.name === req.getName() && r.type === req.getType()) ??
            resources.find((r) => r.name === req.getName() && r.type === req.getType() && r.parent === undefined);
        if (entry && parentUrn) Object.assign(entry, { parent: urnName(parentUrn), parentType: urnType(parentUrn) });
        if (entry) entry.dependencies = [...new Set(req.getDependenciesList().map(urnName))].sort();
    };
}

/** Waits until every registration, including ones started inside `apply`, has finished. */
async function drain(): Promise<void> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };
    for (let i = 0; i < 3; i++) {
        await settings.waitForRPCs();
        await new Promise((resolve) => setImmediate(resolve));
    }
}

/** Resolves an Output (or plain value) for assertions: await outputs, never assert inside apply. */
export function valueOf<T>(output: pulumi.Input<T>): Promise<T> {
    return new Promise((resolve) => pulumi.output(output).apply((v) => resolve(v as T)));
}
