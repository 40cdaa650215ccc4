import { strict as assert } from "node:assert";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { builtRoot, packOnce } from "./tarball";

/**
 * The packages an entry's declarations reference, following its own .d.ts files (comments left out)
 * and stopping at package boundaries: what a consumer type-checking with `skipLibCheck: false`
 * must have installed for that entry.
 */
function referencedPackages(entry: string): string[] {
    const seen = new Set<string>();
    const packages = new Set<string>();
    const todo = [entry];
    while (todo.length) {
        const file = todo.pop()!;
        if (seen.has(file)) continue;
        seen.add(file);
        const text = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/(?!\/).*$/gm, "");
        for (const [, specifier, reference] of text.matchAll(/(?:from|import\(|require\()\s*["']([^"']+)["']|\/\/\/ <reference types="([^"]+)"/g)) {
            const name = specifier ?? reference;
            if (name.startsWith(".")) {
                const base = path.resolve(path.dirname(file), name);
                const target = [`${base}.d.ts`, path.join(base, "index.d.ts")].find(existsSync);
                assert.ok(target, `${file}: ${name} resolves to no declaration file`);
                todo.push(target);
            } else {
                packages.add(name.startsWith("@") ? name.split("/").slice(0, 2).join("/") : name.split("/")[0]);
            }
        }
    }
    return [...packages].sort();
}

describe("each package entry's types need only its own cloud's SDK", function () {
    this.timeout(900_000);

    before(async () => {
        await packOnce(); // builds dist/ in builtRoot
    });

    it("names exactly these packages per entry (none names another cloud's SDK; the root names none)", () => {
        const manifest = JSON.parse(readFileSync(path.join(builtRoot, "package.json"), "utf8")) as { exports: Record<string, { types?: string }> };
        const referenced = Object.fromEntries(
            Object.entries(manifest.exports)
                .filter(([, target]) => typeof target === "object" && target.types)
                .map(([name, target]) => [name, referencedPackages(path.join(builtRoot, target.types!))]),
        );
        assert.deepEqual(referenced, {
            ".": ["@pulumi/pulumi", "zod"],
            "./aws": ["@pulumi/aws", "@pulumi/pulumi", "zod"],
            "./azure": ["@pulumi/azure-native", "@pulumi/pulumi", "@pulumi/random", "zod"],
            "./gcp": ["@pulumi/gcp", "@pulumi/pulumi", "zod"],
            "./worker": ["pino"],
            "./testing": ["@pulumi/pulumi"],
            "./policies": ["@pulumi/policy"],
        });
    });
});
