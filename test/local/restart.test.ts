import { strict as assert } from "node:assert";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import * as path from "node:path";
import Database from "better-sqlite3";
import { DataDirError } from "../../local/data-dir";
import { startLocalStack } from "../../local/runner";
import { repoRoot, waitFor, writeStack } from "./helpers";

const total = 300;

/** The two entry points: `npm start`'s script (node with tsx's loader, one process) and the `queuestack local` command. */
const entries = {
    start: ["--import", "tsx", path.join(repoRoot, "local", "main.ts")],
    cli: [path.join(repoRoot, "bin", "queuestack.js"), "local"],
};

/** Starts the local runner as its own process; resolves with its URL. */
function startRunner(dir: string, entry: keyof typeof entries): Promise<{ child: ChildProcess; url: string; output: () => string }> {
    const child = spawn(process.execPath, [...entries[entry], "--stack", "crash", "--dir", dir, "--port", "0"], {
        cwd: repoRoot,
        stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    return waitFor("the runner to print its URL", () => {
        if (child.exitCode !== null) throw new Error(`the runner exited with ${child.exitCode}:\n${output}`);
        const url = /Front end: (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
        return url ? { child, url, output: () => output } : undefined;
    }, 15_000);
}

const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once("exit", (code) => resolve(code))));

describe("local runner: kill -9 mid-work and restart", function () {
    this.timeout(45_000);
    let dir: string;
    let effectsFile: string;
    let runner: ChildProcess | undefined;

    before(() => {
        // The worker appends each handled n to EFFECTS_FILE, which the runner sets from the spec's environment.
        dir = writeStack("crash", (projectDir) => ({
            name: "crash",
            frontEnd: { auth: "none" },
            queues: [{ name: "jobs", processingTimeSeconds: 10, maxReceiveCount: 5 }],
            workers: [
                {
                    name: "effects",
                    queue: "jobs",
                    code: path.join(repoRoot, "test", "workers", "fixtures", "effect-worker"),
                    concurrency: 10,
                    environment: { EFFECTS_FILE: (effectsFile = path.join(projectDir, "effects.txt")) },
                },
            ],
        }));
    });
    after(() => {
        if (runner && runner.exitCode === null) runner.kill("SIGKILL");
        rmSync(dir, { recursive: true, force: true });
    });

    it(`processes all ${total} messages exactly once across a SIGKILL (npm start, then queuestack local): none lost, no key completed twice`, async () => {
        const first = await startRunner(dir, "start");
        runner = first.child;
        for (let batch = 0; batch < total / 100; batch++) {
            const items = Array.from({ length: 100 }, (_, i) => ({ n: batch * 100 + i, ms: 15 }));
            const response = await fetch(`${first.url}/queues/jobs/messages`, { method: "POST", body: JSON.stringify(items) });
            assert.equal(response.status, 202);
        }
        const effectLines = () => (existsSync(effectsFile) ? readFileSync(effectsFile, "utf8").split("\n").filter(Boolean) : []);
        await waitFor("a third of the work", () => (effectLines().length >= total / 3 ? true : undefined));
        first.child.kill("SIGKILL");
        assert.equal(await exited(first.child), null);

        const dbFile = path.join(dir, ".queuestack", "crash", "queuestack.db");
        const atKill = new Database(dbFile, { readonly: true });
        const inFlightAtKill = (atKill.prepare("SELECT COUNT(*) AS n FROM messages WHERE receipt IS NOT NULL").get() as { n: number }).n;
        const leftAtKill = (atKill.prepare("SELECT COUNT(*) AS n FROM messages").get() as { n: number }).n;
        atKill.close();
        assert.ok(inFlightAtKill > 0, "the kill landed while messages were in flight");
        assert.ok(leftAtKill > 0 && leftAtKill < total, `some work was left at the kill (${leftAtKill})`);

        const second = await startRunner(dir, "cli");
        runner = second.child;
        await waitFor("the queue to empty", async () => {
            const overview = (await (await fetch(`${second.url}/api/overview`)).json()) as { queues: { visible: number; inFlight: number; delayed: number }[] };
            const q = overview.queues[0];
            return q.visible + q.inFlight + q.delayed === 0 ? true : undefined;
        }, 30_000);
        assert.match(second.output(), /took back the work of a run that stopped without returning it/);
        await assert.rejects(
            startLocalStack({ stack: "crash", dir, port: 0 }),
            new DataDirError(`${path.join(dir, ".queuestack", "crash")} is in use by another queuestack local runner (pid ${second.child.pid}). Stop it, or pass another --data-dir.`),
        );
        second.child.kill("SIGTERM");
        assert.equal(await exited(second.child), 0);

        const db = new Database(dbFile, { readonly: true });
        try {
            const jobs = db.prepare("SELECT json_extract(record, '$.status') AS status, json_extract(record, '$.result.n') AS n FROM jobs WHERE id NOT LIKE '%.accepted'").all() as { status: string; n: number }[];
            assert.equal(jobs.length, total);
            // The front end's note of each accepted message, kept beside the worker's record.
            assert.deepEqual(db.prepare("SELECT COUNT(*) AS notes, SUM(json_extract(record, '$.status') = 'queued') AS queued FROM jobs WHERE id LIKE '%.accepted'").get(), { notes: total, queued: total });
            assert.deepEqual(new Set(jobs.map((j) => j.status)), new Set(["done"]));
            assert.equal(new Set(jobs.map((j) => j.n)).size, total);
            assert.deepEqual(db.prepare("SELECT COUNT(*) AS keys, SUM(completions) AS completions, MAX(completions) AS most, SUM(state = 'completed') AS completed FROM idempotency").get(), {
                keys: total,
                completions: total,
                most: 1,
                completed: total,
            });
            assert.deepEqual(db.prepare("SELECT (SELECT COUNT(*) FROM messages) AS queued, (SELECT COUNT(*) FROM dead_letters) AS dead").get(), { queued: 0, dead: 0 });
        } finally {
            db.close();
        }
        const effects = effectLines().map(Number);
        assert.equal(new Set(effects).size, total, "every message's handler ran to its effect");
        // An effect outside the datastore repeats only when the kill fell between the handler's write and its completion.
        assert.ok(effects.length - total <= inFlightAtKill, `${effects.length - total} repeated effects, at most the ${inFlightAtKill} in flight at the kill`);
    });
});
