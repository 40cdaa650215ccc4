import { existsSync, statSync } from "node:fs";
import * as path from "node:path";
import { SpecError, type SpecIssue } from "./spec/issues";
import { defaultWorkerCode, type Spec } from "./spec";

/** What a module path may leave out, tried in this order (as Node and TypeScript resolve it). */
export const moduleSuffixes = ["", ".ts", ".js", ".mjs", ".cjs", "/index.ts", "/index.js"] as const;

/** The file a module path names, or undefined when there is none. */
export function resolveModuleFile(absolute: string): string | undefined {
    for (const suffix of moduleSuffixes) {
        const candidate = absolute + suffix;
        if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
    }
    return undefined;
}

/**
 * Checks that every `workers[].code` names a module under `projectRoot` (the Pulumi project
 * directory), so a typo fails the constructor with one SpecError line per worker, before any
 * resource is registered, instead of surfacing later as an output that cannot be serialized.
 * Every cloud's stack component calls it, for function and VM workers alike.
 */
export function checkWorkerCode(spec: Pick<Spec, "workers">, projectRoot: string = process.cwd()): void {
    const tried = `{${moduleSuffixes.filter(Boolean).join(",")}}`;
    const issues: SpecIssue[] = spec.workers.flatMap((worker, index) =>
        resolveModuleFile(path.resolve(projectRoot, worker.code))
            ? []
            : [{
                  path: ["workers", index, "code"],
                  rule: `must name a module relative to the project directory ${projectRoot} (looked for ${path.resolve(projectRoot, worker.code)}${tried})`,
                  received: worker.code,
                  fix:
                      (worker.code === defaultWorkerCode
                          ? `That is the default, queuestack's own demo app, which is not part of the npm package. `
                          : "") +
                      `Set workers[${index}].code to the path of your module whose default export is defineWorker(...) (from "queuestack/worker"), e.g. "workers/scraper".`,
              }],
    );
    if (issues.length) throw new SpecError(issues);
}
