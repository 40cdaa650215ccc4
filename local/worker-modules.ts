import * as path from "node:path";
import type { Spec } from "../components/spec";
import { SpecError, type SpecIssue } from "../components/spec";
import { workerFromModule, type WorkerDefinition } from "../workers/runtime";

/** Loads a worker module through the running loader (tsx compiles TypeScript modules and resolves folders to index.ts). */
function loadModule(file: string): unknown {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(file);
}

/** The module a "Cannot find module" error names. */
const missingModule = (error: unknown) => /Cannot find module '([^']+)'/.exec(error instanceof Error ? error.message : "")?.[1];

/** The issue for workers[index].code when its module cannot be loaded or exports no worker. */
function loadIssue(index: number, code: string, file: string, dir: string, error: unknown): SpecIssue {
    const where = ["workers", index, "code"];
    const missing = (error as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND" ? missingModule(error) : undefined;
    if (missing === file) {
        return { path: where, rule: `must name a worker module; there is none at ${file} (.ts, .js or a folder with index.ts)`, received: code, fix: `Fix the path (it is relative to ${dir}), or create the module with \`export default defineWorker({ ... })\`.` };
    }
    if (missing !== undefined) {
        const fix = missing.startsWith(".") || path.isAbsolute(missing) ? `Fix the import's path in ${file}.` : `Install it (npm install ${missing}), or fix the import in ${file}.`;
        return { path: where, rule: `names a module that imports "${missing}", which cannot be found`, received: code, fix };
    }
    if (error instanceof TypeError && error.message.includes("does not export a worker")) {
        return { path: where, rule: "must export a worker", received: code, fix: "Add `export default defineWorker({ handle(message, context) { ... } })` to the module." };
    }
    return { path: where, rule: `names a module that failed to load (${error instanceof Error ? `${error.name}: ${error.message.split("\n")[0]}` : String(error)})`, received: code, fix: `Fix the error in ${file}.` };
}

/**
 * Loads every worker module of `spec`, relative to `dir`. Throws one SpecError listing every
 * worker whose module is missing, fails to load, or exports no worker, instead of the loader's
 * stack trace for the first.
 */
export function loadWorkerModules(spec: Spec, dir: string): WorkerDefinition[] {
    const issues: SpecIssue[] = [];
    const workers = spec.workers.map((workerSpec, index) => {
        const file = path.resolve(dir, workerSpec.code);
        try {
            return workerFromModule(loadModule(file), `${workerSpec.code} (spec workers[${workerSpec.name}].code)`);
        } catch (error) {
            issues.push(loadIssue(index, workerSpec.code, file, dir, error));
            return undefined;
        }
    });
    if (issues.length) throw new SpecError(issues, "worker code");
    return workers as WorkerDefinition[];
}
