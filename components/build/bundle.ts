import { createHash } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { build, version as esbuildVersion, type BuildOptions, type Plugin } from "esbuild";
import { atomicWrite, bundleCacheDirectory, bundleCacheKey, readCachedBundle, writeCachedBundle } from "./bundle-cache";
import { deployedRuntimes } from "../runtimes";
import { moduleSuffixes, resolveModuleFile } from "../worker-code";

/** The import specifier adapters use for the user's worker module. */
export const handlerSpecifier = "queuestack:handler";

/** Where the library's own sources live (the repository root, or the installed package root). */
const packageRoot = path.resolve(__dirname, "..", "..");

/**
 * An adapter entry in `workers/` (e.g. "workers/gcp/push-worker"), as TypeScript source in the
 * repository or compiled JavaScript in the installed package.
 */
export function entryFile(relative: string): string {
    const base = path.join(packageRoot, relative);
    return existsSync(`${base}.ts`) ? `${base}.ts` : `${base}.js`;
}

/** Adapter entry files, absolute, so components never hard-code paths. */
export const workerEntries = {
    /** AWS Lambda consuming SQS (exports `handler`; imports `queuestack:handler`). */
    awsLambdaWorker: entryFile("workers/aws/lambda-worker"),
    /** AWS API Gateway HTTP API front end (exports `handler`; no user module). */
    awsFrontEnd: entryFile("workers/aws/front-end"),
    /** AWS VM poller, a runnable script (imports `queuestack:handler`). */
    awsVmPoller: entryFile("workers/aws/vm-poller"),
} as const;

/** What to bundle. */
export interface BundleWorkerArgs {
    /** Absolute path of the adapter entry, usually one of `workerEntries`. */
    entry: string;
    /**
     * The user's worker module (`export default defineWorker(...)`), relative to `projectRoot`,
     * e.g. "workers/example"; `queuestack:handler` inside the adapter resolves to it.
     * @default none (entries that import `queuestack:handler` then fail to bundle)
     */
    handlerModule?: string;
    /** Directory `handlerModule` is relative to. @default process.cwd() (the Pulumi project directory) */
    projectRoot?: string;
}

/** Resolves `queuestack:handler` to the user's module, or fails naming the path. */
function handlerPlugin(handlerModule: string | undefined, projectRoot: string): Plugin {
    return {
        name: "queuestack-handler",
        setup(pluginBuild) {
            pluginBuild.onResolve({ filter: /^queuestack:handler$/ }, () => {
                if (handlerModule === undefined) {
                    return { errors: [{ text: `this entry imports ${handlerSpecifier}, but no handlerModule was given to bundle it with` }] };
                }
                return { path: resolveModuleFile(path.resolve(projectRoot, handlerModule))! };
            });
        },
    };
}

/**
 * esbuild's `target`: the oldest Node.js major among the runtimes queuestack deploys
 * (`deployedRuntimes` in components/runtimes.ts), so one bundle runs on every one of them.
 */
export const bundleTarget = `node${Math.min(...Object.values(deployedRuntimes).map((runtime) => runtime.nodeMajor))}`;

const cache = new Map<string, Promise<string>>();

/** How `bundleWorker` calls ended in this process: esbuild ran, or the cache across runs answered. */
export const bundleCounts = { built: 0, fromCache: 0 };

/** Forgets this process's bundles, so the next call reads the cache across runs or builds (for tests). */
export function forgetBundles(): void {
    cache.clear();
}

/**
 * Bundles an adapter entry (with the user's worker module behind `queuestack:handler`) into one
 * minified CommonJS file for `bundleTarget`. Offline (no network) and cached per (entry, module) for the
 * life of the process, so `pulumi up` and tests bundle each pair once; across runs, a build whose
 * inputs, options and esbuild version are all unchanged is read back from the bundle cache
 * (components/build/bundle-cache.ts).
 */
export function bundleWorker(args: BundleWorkerArgs): Promise<string> {
    const projectRoot = args.projectRoot ?? process.cwd();
    const cacheKey = JSON.stringify([args.entry, args.handlerModule ?? null, projectRoot]);
    let result = cache.get(cacheKey);
    if (!result) {
        result = runBuild(args, projectRoot);
        cache.set(cacheKey, result);
        result.catch(() => cache.delete(cacheKey));
    }
    return result;
}

async function runBuild(args: BundleWorkerArgs, projectRoot: string): Promise<string> {
    if (!existsSync(args.entry)) {
        throw new Error(`bundleWorker: adapter entry ${args.entry} does not exist`);
    }
    if (args.handlerModule !== undefined && !resolveModuleFile(path.resolve(projectRoot, args.handlerModule))) {
        throw new Error(
            `Worker code "${args.handlerModule}" was not found (looked for ${path.resolve(projectRoot, args.handlerModule)}` +
                `{${moduleSuffixes.filter(Boolean).join(",")}}). Set workers[].code to a module path relative to ` +
                `${projectRoot} whose default export is defineWorker(...), e.g. "workers/example".`,
        );
    }
    const handlerFile = args.handlerModule === undefined ? null : resolveModuleFile(path.resolve(projectRoot, args.handlerModule))!;
    const options = {
        entryPoints: [args.entry],
        bundle: true,
        platform: "node",
        target: bundleTarget,
        format: "cjs",
        minify: true,
        write: false,
        logLevel: "silent",
        legalComments: "none",
        // Provided by the Azure Functions Node.js worker at run time (@azure/functions requires it).
        external: ["@azure/functions-core"],
    } satisfies BuildOptions;
    const cacheDirectory = bundleCacheDirectory(projectRoot);
    // Everything that shapes the output; the plugin's only effect is resolving to handlerFile.
    const key = bundleCacheKey({ options, handlerFile, cwd: process.cwd(), esbuildVersion });
    const cached = cacheDirectory ? readCachedBundle(cacheDirectory, key) : undefined;
    if (cached !== undefined) {
        bundleCounts.fromCache++;
        return cached;
    }
    const startedAt = Date.now();
    const output = await build({ ...options, metafile: true, plugins: [handlerPlugin(args.handlerModule, projectRoot)] });
    bundleCounts.built++;
    const code = output.outputFiles[0].text;
    if (cacheDirectory) {
        const inputs = Object.keys(output.metafile.inputs).map((input) => path.resolve(input));
        writeCachedBundle(cacheDirectory, key, code, inputs, startedAt);
    }
    return code;
}

/** A bundle written to disk: where, and the first 16 hex digits of its SHA-256. */
export interface BundleFile {
    path: string;
    sha256: string;
}

/**
 * `bundleWorker`, written to `<os tmpdir>/queuestack-bundles/<sha256>.js`, for resources that
 * upload a file asset: Pulumi then keeps the file's path and hash in its state, not the code.
 */
export async function bundleWorkerFile(args: BundleWorkerArgs): Promise<BundleFile> {
    const code = await bundleWorker(args);
    const sha256 = createHash("sha256").update(code).digest("hex").slice(0, 16);
    const directory = path.join(tmpdir(), "queuestack-bundles");
    mkdirSync(directory, { recursive: true });
    const file = path.join(directory, `${sha256}.js`);
    // Through a temporary file and a rename: another process (a second plan, a parallel test
    // worker) never reads a half-written bundle.
    if (!existsSync(file)) atomicWrite(file, code);
    return { path: file, sha256 };
}
