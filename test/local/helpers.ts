import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";

/** The repository root, for absolute `workers[].code` paths in temporary stacks. */
export const repoRoot = path.resolve(__dirname, "..", "..");

/** A temporary project directory holding Pulumi.<stack>.yaml with `spec` (or `spec(dir)`) as queuestack:spec. */
export function writeStack(stack: string, spec: Record<string, unknown> | ((dir: string) => Record<string, unknown>)): string {
    const dir = mkdtempSync(path.join(tmpdir(), "queuestack-local-"));
    const value = typeof spec === "function" ? spec(dir) : spec;
    writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), stringify({ config: { "queuestack:cloud": "aws", "queuestack:spec": value } }));
    return dir;
}

/** Polls `check` every 50 ms until it returns a value other than undefined; fails after `ms`. */
export async function waitFor<T>(what: string, check: () => T | undefined | Promise<T | undefined>, ms = 10_000): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
        const value = await check();
        if (value !== undefined) return value;
        if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
}

/** Page fixtures for the example scraper. */
export const articlePage = (title: string) =>
    `<!doctype html><html><head><title>${title}</title><meta property="article:published_time" content="2026-03-01T10:00:00Z"></head>` +
    `<body><h1>${title}</h1><h2>Part one</h2><p>${"word ".repeat(460)}</p></body></html>`;
