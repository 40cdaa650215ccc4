/**
 * The baseline poller: workers/gcp/poller.ts as it was at BENCH_BASELINE_REF (default 7d803f1, the
 * poller that pulled several subscriptions with `returnImmediately`), read from git so no copy of it
 * lives in the tree. Its relative imports are pointed at this checkout's modules.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { PubsubPoller } from "../../workers/gcp/poller";

/** The commit whose poller is the baseline. */
export const baselineRef = process.env.BENCH_BASELINE_REF ?? "7d803f1";

/** Loads the baseline's PubsubPoller class (the options it takes are a subset of today's). */
export async function loadBaselinePoller(): Promise<typeof PubsubPoller> {
    const root = resolve(__dirname, "../..");
    const source = execFileSync("git", ["show", `${baselineRef}:workers/gcp/poller.ts`], { cwd: root, encoding: "utf8" })
        .replace(/from "\.\.\/runtime"/g, `from ${JSON.stringify(join(root, "workers/runtime"))}`)
        .replace(/from "\.\/([\w-]+)"/g, (_, name: string) => `from ${JSON.stringify(join(root, "workers/gcp", name))}`);
    const dir = mkdtempSync(join(tmpdir(), "queuestack-bench-baseline-"));
    try {
        const file = join(dir, "poller.ts");
        writeFileSync(file, source);
        return ((await import(file)) as { PubsubPoller: typeof PubsubPoller }).PubsubPoller;
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}
