import { cpSync, mkdirSync, readdirSync, symlinkSync } from "node:fs";
import * as path from "node:path";
import { build } from "esbuild";

const repoRoot = path.resolve(__dirname, "..", "..");
const sourceRooms = ["components", "workers", "cli", "operations", "local", "rehearse", "policies"];

function typeScriptFiles(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) return entry.name === "node_modules" ? [] : typeScriptFiles(file);
        return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [file] : [];
    });
}

/**
 * Puts the package into `project`'s node_modules as npm installs it: compiled JavaScript under
 * dist/ (each source file on its own, as `npm run build` emits it, without type checking), bin/,
 * package.json, and no TypeScript sources, so nothing registers tsx. Its dependencies and the
 * project's `@pulumi/*` packages are links to this repository's node_modules. Returns the bin.
 */
export async function installPackageInto(project: string): Promise<string> {
    const modules = path.join(project, "node_modules");
    const pkg = path.join(modules, "queuestack");
    mkdirSync(pkg, { recursive: true });
    await build({
        entryPoints: sourceRooms.flatMap((room) => typeScriptFiles(path.join(repoRoot, room))),
        outdir: path.join(pkg, "dist"),
        outbase: repoRoot,
        format: "cjs",
        platform: "node",
        target: "node20",
        logLevel: "error",
    });
    cpSync(path.join(repoRoot, "bin"), path.join(pkg, "bin"), { recursive: true });
    cpSync(path.join(repoRoot, "package.json"), path.join(pkg, "package.json"));
    cpSync(path.join(repoRoot, "policies", "package.json"), path.join(pkg, "dist", "policies", "package.json"));
    cpSync(path.join(repoRoot, "local", "dashboard"), path.join(pkg, "dist", "local", "dashboard"), { recursive: true });
    symlinkSync(path.join(repoRoot, "node_modules"), path.join(pkg, "node_modules"), "dir");
    symlinkSync(path.join(repoRoot, "node_modules", "@pulumi"), path.join(modules, "@pulumi"), "dir");
    return path.join(pkg, "bin", "queuestack.js");
}
