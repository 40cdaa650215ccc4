import { existsSync } from "node:fs";
import * as path from "node:path";
import { build, type Plugin } from "esbuild";
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

const cache = new Map<string, Promise<string>>();

/**
 * Bundles an adapter entry (with the user's worker module behind `queuestack:handler`) into one
 * minified CommonJS file for Node.js 20. Offline (no network) and cached per (entry, module) for the
 * life of the process, so `pulumi up` and tests bundle each pair once.
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
    const output = await build({
        entryPoints: [args.entry],
        bundle: true,
        platform: "node",
        target: "node20",
        format: "cjs",
        minify: true,
        write: false,
        logLevel: "silent",
        legalComments: "none",
        plugins: [handlerPlugin(args.handlerModule, projectRoot)],
        // Provided by the Azure Functions Node.js worker at run time (@azure/functions requires it).
        external: ["@azure/functions-core"],
    });
    return output.outputFiles[0].text;
}
