import { existsSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { StackConfigError, loadStackConfig } from "../stack-config";

/** What an offline run needs from a Pulumi project file (Pulumi.yaml). */
export interface PulumiProject {
    /** The project directory (where Pulumi.yaml is). */
    dir: string;
    /** `name:`: the project name, in every URN and in `pulumi.getProject()`. */
    name: string;
    /** `main:`: the program's entry (a file or folder), relative to `dir`. @default the directory itself */
    main?: string;
    /** `runtime:` (a name, or `{ name, options }`). Only `nodejs` programs run offline. */
    runtime: { name: string; options: Record<string, unknown> };
    /** `stackConfigDir:`: where Pulumi.<stack>.yaml files live. @default dir */
    stackConfigDir: string;
    /** `config:` declared in the project file with a value or a default, as full keys (`project:key`). */
    config: Record<string, unknown>;
}

/** The project file in `dir`, read as the Pulumi CLI reads it. */
export function readProject(dir: string): PulumiProject {
    const file = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(dir, f)).find((f) => existsSync(f));
    if (!file) {
        throw new StackConfigError(`no Pulumi.yaml in ${dir}: pass the directory of a Pulumi project (the one \`pulumi preview\` runs in) with --dir.`);
    }
    let document: Record<string, unknown>;
    try {
        document = (parse(readFileSync(file, "utf8")) ?? {}) as Record<string, unknown>;
    } catch (error) {
        throw new StackConfigError(`${file} is not valid YAML: ${(error as Error).message}`);
    }
    const name = document.name;
    if (typeof name !== "string" || name === "") {
        throw new StackConfigError(`${file}: "name" must be the project's name (got ${JSON.stringify(name)}). Add e.g. \`name: my-app\`.`);
    }
    const runtime = typeof document.runtime === "string" ? { name: document.runtime, options: {} } : { options: {}, ...(document.runtime as { name: string; options?: Record<string, unknown> }) };
    if (runtime.name !== "nodejs") {
        throw new StackConfigError(`${file}: runtime is ${JSON.stringify(runtime.name)}; only nodejs programs (TypeScript or JavaScript) run offline.`);
    }
    const config: Record<string, unknown> = {};
    for (const [key, declared] of Object.entries((document.config ?? {}) as Record<string, unknown>)) {
        // A declaration ({ type, default, value, description }) or a plain value.
        const isDeclaration = declared !== null && typeof declared === "object" && !Array.isArray(declared) && ("type" in declared || "default" in declared || "value" in declared);
        const value = isDeclaration ? ((declared as { value?: unknown }).value ?? (declared as { default?: unknown }).default) : declared;
        if (value !== undefined) config[fullKey(key, name)] = value;
    }
    return {
        dir,
        name,
        ...(typeof document.main === "string" ? { main: document.main } : {}),
        runtime: { name: runtime.name, options: runtime.options ?? {} },
        stackConfigDir: path.resolve(dir, typeof document.stackConfigDir === "string" ? document.stackConfigDir : "."),
        config,
    };
}

/** A config key as Pulumi stores it: a key without a namespace belongs to the project. */
const fullKey = (key: string, project: string) => (key.includes(":") ? key : `${project}:${key}`);

/** Stack config as a program sees it, with the keys whose values are secrets. */
export interface ProjectStackConfig {
    config: Record<string, unknown>;
    secretKeys: string[];
}

/** What a secure value reads as offline: its ciphertext is never decrypted. */
export const offlineSecret = "[secret]";

/**
 * The config a program gets for `stack`: the project file's values and defaults, overridden by
 * Pulumi.<stack>.yaml; keys namespaced as Pulumi does (`bucketName` -> `<project>:bucketName`);
 * `secure:` values, which only the stack's secrets provider can decrypt, replaced by "[secret]"
 * and marked secret.
 */
export function projectStackConfig(project: PulumiProject, stack: string): ProjectStackConfig {
    const config: Record<string, unknown> = { ...project.config };
    const secretKeys: string[] = [];
    for (const [key, value] of Object.entries(loadStackConfig(stack, project.stackConfigDir))) {
        const full = fullKey(key, project.name);
        const { value: opaque, secret } = withoutSecrets(value);
        config[full] = opaque;
        if (secret) secretKeys.push(full);
    }
    return { config, secretKeys };
}

/** `value` with every `{ secure: ... }` replaced by the offline secret; `secret` when there was one. */
function withoutSecrets(value: unknown): { value: unknown; secret: boolean } {
    if (value === null || typeof value !== "object") return { value, secret: false };
    const entries = Object.entries(value);
    if (!Array.isArray(value) && entries.length === 1 && entries[0][0] === "secure") return { value: offlineSecret, secret: true };
    let secret = false;
    const mapped = entries.map(([k, v]) => {
        const inner = withoutSecrets(v);
        secret ||= inner.secret;
        return [k, inner.value] as const;
    });
    return { value: Array.isArray(value) ? mapped.map(([, v]) => v) : Object.fromEntries(mapped), secret };
}

/**
 * The file Pulumi's nodejs host would load for `project`: `main` (a file, or a folder with
 * index), else package.json `exports`/`main`, else the project directory's index.
 */
export function programEntry(project: PulumiProject): string {
    const base = path.resolve(project.dir, project.main ?? ".");
    const packageJson = path.join(project.dir, "package.json");
    let target = base;
    if (project.main === undefined && existsSync(packageJson)) {
        const pkg = JSON.parse(readFileSync(packageJson, "utf8")) as { main?: string; exports?: unknown };
        const exported = typeof pkg.exports === "string" ? pkg.exports : (pkg.exports as Record<string, unknown> | undefined)?.["."];
        const entry = typeof exported === "string" ? exported : ((exported as Record<string, string> | undefined)?.default ?? (exported as Record<string, string> | undefined)?.require ?? pkg.main);
        if (entry && existsSync(path.resolve(project.dir, entry))) target = path.resolve(project.dir, entry);
    }
    const file = resolveFile(target);
    if (!file) {
        throw new StackConfigError(
            `${project.main === undefined ? "no program" : `main "${project.main}" in Pulumi.yaml names no program`} in ${project.dir}: ` +
                `expected ${path.relative(project.dir, target) || "."}${isDirectory(target) ? "/index.ts or index.js" : ""}. Set \`main:\` in Pulumi.yaml to the program's entry file.`,
        );
    }
    return file;
}

const isFile = (p: string) => existsSync(p) && statSync(p).isFile();
const isDirectory = (p: string) => existsSync(p) && statSync(p).isDirectory();

/** The file `target` names: itself, with an extension added, or a folder's index (index.js before index.ts, as Pulumi). */
function resolveFile(target: string): string | undefined {
    const withExtension = [".ts", ".js", ".mts", ".mjs", ".cts", ".cjs"].map((e) => target + e);
    const index = [".js", ".mjs", ".ts", ".mts", ".cjs", ".cts"].map((e) => path.join(target, `index${e}`));
    return [target, ...withExtension, ...index].find(isFile);
}
