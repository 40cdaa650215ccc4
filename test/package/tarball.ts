import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";

/** The repository root. */
export const root = path.resolve(__dirname, "..", "..");

const run = promisify(execFile);
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
/** Where this process packs and installs (removed by nobody on purpose: the OS tmp cleaner does). */
const workDir = mkdtempSync(path.join(tmpdir(), "queuestack-package-"));

/**
 * A copy of the repository the package is built in (its node_modules a link to the repository's),
 * so the build never writes the repository's own dist/: bin/queuestack.js runs dist/ when it is
 * newer than the sources, and a build here would change what every later CLI test runs.
 */
export const builtRoot = path.join(workDir, "source");

/** Top-level entries of the repository the package build does not read. */
const notCopied = new Set([".git", "node_modules", "dist", "test", "bench", ".tmp", ".queuestack"]);

let packed: Promise<string> | undefined;

/**
 * `npm pack` of a copy of the repository (builtRoot), once per process: prepack builds its dist/
 * (tsc, the adapter bundles, the policy pack), so the program-entry test and the consumer tests
 * share one build.
 */
export function packOnce(): Promise<string> {
    packed ??= (async () => {
        cpSync(root, builtRoot, { recursive: true, filter: (source) => path.basename(source) !== "node_modules" && !notCopied.has(path.relative(root, source)) });
        symlinkSync(path.join(root, "node_modules"), path.join(builtRoot, "node_modules"), "dir");
        const destination = path.join(workDir, "tarball");
        mkdirSync(destination, { recursive: true });
        await run(npm, ["pack", "--pack-destination", destination, "--silent"], { cwd: builtRoot, maxBuffer: 64 * 1024 * 1024 });
        const [file] = readdirSync(destination).filter((f) => f.endsWith(".tgz"));
        if (!file) throw new Error(`npm pack wrote no tarball to ${destination}`);
        return path.join(destination, file);
    })();
    return packed;
}

/**
 * A fresh consumer project: `files` written (paths relative to it), then `npm install` of `packages`
 * (the tarball among them), from npm's cache where it can (`--prefer-offline`).
 */
export async function consumerProject(name: string, packages: string[], files: Record<string, string>): Promise<string> {
    const dir = path.join(workDir, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "package.json"), `${JSON.stringify({ name, version: "1.0.0", private: true, license: "UNLICENSED" }, null, 2)}\n`);
    for (const [file, text] of Object.entries(files)) {
        mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        writeFileSync(path.join(dir, file), text);
    }
    await run(npm, ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error", ...packages], { cwd: dir, maxBuffer: 64 * 1024 * 1024 });
    return dir;
}

/** Runs a command in `cwd`; rejects with its output when it exits non-zero. */
export async function runIn(cwd: string, command: string, args: string[]): Promise<string> {
    try {
        const { stdout } = await run(command, args, { cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NODE_OPTIONS: "" } });
        return stdout;
    } catch (error) {
        const { stdout, stderr } = error as { stdout?: string; stderr?: string };
        throw new Error(`${command} ${args.join(" ")} failed in ${cwd}:\n${stdout ?? ""}${stderr ?? ""}`);
    }
}

/** Runs a command in `cwd` to its end: its exit status and output, whatever the status. */
export async function statusIn(cwd: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ status: number; stdout: string; stderr: string }> {
    try {
        const { stdout, stderr } = await run(command, args, { cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NODE_OPTIONS: "", ...env } });
        return { status: 0, stdout, stderr };
    } catch (error) {
        const { code, stdout, stderr } = error as { code?: number | string; stdout?: string; stderr?: string };
        if (typeof code !== "number") throw error;
        return { status: code, stdout: stdout ?? "", stderr: stderr ?? "" };
    }
}

/** README.md's "Use it in your own stack" section, as published. */
export function readmeSection(): string {
    const readme = readFileSync(path.join(root, "README.md"), "utf8");
    const start = readme.indexOf("## Use it in your own stack");
    if (start < 0) throw new Error('README.md has no "## Use it in your own stack" section');
    const end = readme.indexOf("\n## ", start + 1);
    return readme.slice(start, end < 0 ? undefined : end);
}

/** The section's code blocks marked with a file name (```ts file=index.ts), by file name. */
export function readmeFiles(): Record<string, string> {
    const files: Record<string, string> = {};
    for (const [, file, body] of readmeSection().matchAll(/^```\w+ file=(\S+)\n([\s\S]*?)^```$/gm)) files[file] = body;
    return files;
}

/** The section's `npm install ...` line for `cloud` (the line ending in `# <cloud>`). */
export function readmeInstall(cloud: string): string[] {
    const line = readmeSection().split("\n").find((l) => l.startsWith("npm install ") && l.trimEnd().endsWith(`# ${cloud}`));
    if (!line) throw new Error(`README.md's "Use it in your own stack" has no npm install line for ${cloud}`);
    return line.replace(/#.*$/, "").trim().split(/\s+/).slice(2);
}
