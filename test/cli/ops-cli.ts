import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { PassThrough, Readable } from "node:stream";
import { stringify } from "yaml";
import type { CliIo } from "../../cli/commands/io";
import { run } from "../../cli/queuestack";

/** What one CLI run printed and returned. */
export interface CliRun {
    code: number;
    out: string;
    err: string;
}

/** Runs `queuestack <argv>` in this process; `answer` is what the user types at a prompt. */
export async function queuestack(argv: string[], answer = ""): Promise<CliRun> {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = {
        out: (text) => void out.push(text),
        err: (text) => void err.push(text),
        stdin: Readable.from([answer]),
        // Not a terminal: no progress bar, prompts go nowhere.
        progress: Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.WriteStream,
    };
    const code = await run(argv, io);
    return { code, out: out.join("\n"), err: err.join("\n") };
}

/** A project directory with one Pulumi.<stack>.yaml holding `config`; removed by the returned cleanup. */
export function stackDir(stack: string, config: Record<string, unknown>): { dir: string; cleanup(): void } {
    const dir = mkdtempSync(path.join(tmpdir(), "queuestack-ops-"));
    writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), stringify({ config }));
    return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The spec the operations tests use: `scrape` (standard) and `publish` (FIFO), five deliveries each (the GCP minimum). */
export const opsSpec = {
    name: "ops",
    queues: [
        { name: "scrape", processingTimeSeconds: 20, maxReceiveCount: 5 },
        { name: "publish", ordering: "fifo", processingTimeSeconds: 20, maxReceiveCount: 5 },
    ],
    workers: [
        { name: "scraper", queue: "scrape", kind: "function", code: "workers/example" },
        { name: "publisher", queue: "publish", kind: "function", code: "workers/example" },
    ],
    alarms: { deadLetterDepth: 3, oldestMessageAgeSeconds: 600 },
};
