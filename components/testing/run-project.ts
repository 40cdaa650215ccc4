import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { type InvokeAnswer } from "./invokes";
import { type PlannedResource, runOffline } from "./offline";
import { type PulumiProject, programEntry, projectStackConfig, readProject } from "./project";
import { enableTypeScript } from "./typescript";

/** One stack of a Pulumi project, run offline. */
export interface ProjectRun {
    project: PulumiProject;
    stack: string;
    /** The config the program got (full keys; secure values as "[secret]"). */
    config: Record<string, unknown>;
    resources: PlannedResource[];
    /** What the program exported: its stack outputs. */
    outputs: unknown;
}

export interface ProjectRunOptions {
    /** Config to use instead of Pulumi.<stack>.yaml's (keys as Pulumi stores them). */
    config?: Record<string, unknown>;
    /** Answers for provider functions, over the defaults (see `defaultInvokeAnswers`). */
    calls?: Record<string, InvokeAnswer>;
}

// ESM programs load with import(), which TypeScript compiled to CommonJS would turn into require().
const importModule = new Function("specifier", "return import(specifier)") as (specifier: string) => Promise<Record<string, unknown>>;
let imports = 0;

/**
 * Runs the Pulumi program in `dir` for `stack` offline, as `pulumi preview` would run it: the
 * entry Pulumi.yaml names (`main`, else package.json's, else the folder's index), the project's
 * own name, the stack's config with Pulumi's namespacing, TypeScript or JavaScript, CommonJS or
 * ESM; an exported function is called and awaited, as Pulumi's nodejs host does.
 */
export async function runProject(dir: string, stack: string, options: ProjectRunOptions = {}): Promise<ProjectRun> {
    const project = readProject(path.resolve(dir));
    const entry = programEntry(project);
    // Config given by the caller (a replan for another stack or region) needs no stack file.
    const fromFile = options.config ? { config: options.config, secretKeys: [] as string[] } : projectStackConfig(project, stack);
    const config = fromFile.config;
    const loaded = new Set(Object.keys(require.cache));
    try {
        const { result, resources } = await runOffline(() => loadProgram(entry), {
            project: project.name,
            stack,
            config,
            secretKeys: options.config ? [] : fromFile.secretKeys,
            ...(options.calls ? { calls: options.calls } : {}),
        });
        return { project, stack, config, resources, outputs: result };
    } finally {
        // The program's own modules run again on the next run (another stack, other config).
        for (const key of Object.keys(require.cache)) {
            if (!loaded.has(key) && !key.includes(`${path.sep}node_modules${path.sep}`)) delete require.cache[key];
        }
    }
}

/** Loads the entry and, when it exports a function, calls it: its result is the stack's outputs. */
async function loadProgram(entry: string): Promise<unknown> {
    if (/\.[cm]?tsx?$/.test(entry)) enableTypeScript();
    let exported: unknown;
    if (isEsm(entry)) {
        // Each run imports a fresh copy of the entry (the ESM cache cannot be cleared).
        const module = await importModule(`${pathToFileURL(entry).href}?run=${++imports}`);
        const keys = Object.keys(module);
        exported = keys.length === 1 && keys[0] === "default" ? module.default : module;
    } else {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        exported = require(entry);
    }
    return typeof exported === "function" ? await (exported as () => unknown)() : exported;
}

/** True for an ES module: .mjs, or .js in a package with "type": "module". */
function isEsm(file: string): boolean {
    if (file.endsWith(".mjs")) return true;
    if (!file.endsWith(".js")) return false;
    for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
        const pkg = path.join(dir, "package.json");
        if (existsSync(pkg)) return (JSON.parse(readFileSync(pkg, "utf8")) as { type?: string }).type === "module";
        if (path.dirname(dir) === dir) return false;
    }
}
