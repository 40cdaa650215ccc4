import { strict as assert } from "node:assert";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import * as path from "node:path";
import Database from "better-sqlite3";
import { DataDirError } from "../../local/data-dir";
import { startLocalStack } from "../../local/runner";
import { repoRoot, waitFor, writeStack } from "./helpers";

const total = 300;

/** The entry points: `npm start` itself, its script (node with tsx's loader, one process) and the `queuestack local` command. */
const entries: Record<"npm" | "start" | "cli", [string, string[]]> = {
    npm: ["npm", ["start", "--silent", "--"]],
    start: [process.execPath, ["--import", "tsx", path.join(repoRoot, "local", "main.ts")]],
    cli: [process.execPath, [path.join(repoRoot, "bin", "queuestack.js"), "local"]],
};

/** Starts the local runner as its own process; resolves with its URL. */
function startRunner(dir: string, entry: keyof typeof entries): Promise<{ child: ChildProcess; url: string; output: () => string }> {
    const [command, args] = entries[entry];
    const child = spawn(command, [...args, "--stack", "crash", "--dir", dir, "--port", "0"], {
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
    }, 30_000);
}

const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once("exit", (code) => resolve(code))));

/** A project whose worker appends each handled n to EFFECTS_FILE (set from the spec's environment). */
function crashProject(): { dir: string; effectsFile: string; dataDir: string; dbFile: string; effectLines: () => string[] } {
    let effectsFile = "";
    const dir = writeStack("crash", (projectDir) => ({
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
    const dataDir = path.join(dir, ".queuestack", "crash");
    return { dir, effectsFile, dataDir, dbFile: path.join(dataDir, "queuestack.db"), effectLines: () => (existsSync(effectsFile) ? readFileSync(effectsFile, "utf8").split("\n").filter(Boolean) : []) };
}

/** Sends `total` messages in batches of 100 and waits until a third of their effects are written. */
async function sendAndWaitForAThird(url: string, effectLines: () => string[]): Promise<void> {
    for (let batch = 0; batch < total / 100; batch++) {
        const items = Array.from({ length: 100 }, (_, i) => ({ n: batch * 100 + i, ms: 15 }));
        const response = await fetch(`${url}/queues/jobs/messages`, { method: "POST", body: JSON.stringify(items) });
        assert.equal(response.status, 202);
    }
    await waitFor("a third of the work", () => (effectLines().length >= total / 3 ? true : undefined));
}

/** Messages in flight (received, not settled) and left at all in the database now. */
function messagesNow(dbFile: string): { inFlight: number; left: number } {
    const db = new Database(dbFile, { readonly: true });
    try {
        return db.prepare("SELECT COALESCE(SUM(receipt IS NOT NULL), 0) AS inFlight, COUNT(*) AS left FROM messages").get() as { inFlight: number; left: number };
    } finally {
        db.close();
    }
}

/** Waits for the runner at `url` to have emptied its queue. */
function drained(url: string): Promise<true> {
    return waitFor("the queue to empty", async () => {
        const overview = (await (await fetch(`${url}/api/overview`)).json()) as { queues: { visible: number; inFlight: number; delayed: number }[] };
        const q = overview.queues[0];
        return q.visible + q.inFlight + q.delayed === 0 ? true : undefined;
    }, 30_000);
}

/** The exact counts after a stopped and restarted run: every message done once, every key completed once, nothing left. */
function assertExactlyOnce(project: ReturnType<typeof crashProject>, repeatsAtMost: number): void {
    const db = new Database(project.dbFile, { readonly: true });
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
    const effects = project.effectLines().map(Number);
    assert.equal(new Set(effects).size, total, "every message's handler ran to its effect");
    // An effect outside the datastore repeats only when a kill fell between the handler's write and its completion.
    assert.ok(effects.length - total <= repeatsAtMost, `${effects.length - total} repeated effects, at most the ${repeatsAtMost} in flight at the kill`);
}

describe("local runner: kill -9 mid-work and restart", function () {
    this.timeout(90_000);
    const projects: ReturnType<typeof crashProject>[] = [];
    const runners: ChildProcess[] = [];
    const start = async (project: ReturnType<typeof crashProject>, entry: keyof typeof entries) => {
        const runner = await startRunner(project.dir, entry);
        runners.push(runner.child);
        return runner;
    };

    after(() => {
        for (const runner of runners) if (runner.exitCode === null && runner.signalCode === null) runner.kill("SIGKILL");
        for (const project of projects) rmSync(project.dir, { recursive: true, force: true });
    });

    it(`processes all ${total} messages exactly once across a SIGKILL of the runner (npm start's script, then queuestack local), taking over the dead run's lock`, async () => {
        const project = crashProject();
        projects.push(project);
        const first = await start(project, "start");
        await sendAndWaitForAThird(first.url, project.effectLines);
        first.child.kill("SIGKILL");
        assert.equal(await exited(first.child), null);
        assert.equal(readFileSync(path.join(project.dataDir, "runner.pid"), "utf8").split(" ")[0], String(first.child.pid), "the dead run's lock is still there");

        const atKill = messagesNow(project.dbFile);
        assert.ok(atKill.inFlight > 0, "the kill landed while messages were in flight");
        assert.ok(atKill.left > 0 && atKill.left < total, `some work was left at the kill (${atKill.left})`);

        const second = await start(project, "cli");
        await drained(second.url);
        assert.match(second.output(), new RegExp(`took over ${escape(project.dataDir)}: its lock was left by pid ${first.child.pid}, which is no longer running \\(a run that was killed\\)`));
        assert.match(second.output(), /took back the work of a run that stopped without returning it/);
        await assert.rejects(
            startLocalStack({ stack: "crash", dir: project.dir, port: 0 }),
            new DataDirError(`${project.dataDir} is in use by another queuestack local runner (pid ${second.child.pid}). Stop it, or pass another --data-dir.`),
        );
        second.child.kill("SIGTERM");
        assert.equal(await exited(second.child), 0);
        assert.equal(existsSync(path.join(project.dataDir, "runner.pid")), false, "a clean stop removes the lock");
        assertExactlyOnce(project, atKill.inFlight);
    });

    it(`stops the runner when the npm start process is SIGKILLed, and the next start runs all ${total} messages to done exactly once`, async () => {
        const project = crashProject();
        projects.push(project);
        const npm = await start(project, "npm");
        const lockFile = path.join(project.dataDir, "runner.pid");
        const runnerPid = Number(readFileSync(lockFile, "utf8").split(" ")[0]);
        assert.notEqual(runnerPid, npm.child.pid, "npm runs the runner as its child");
        await sendAndWaitForAThird(npm.url, project.effectLines);
        npm.child.kill("SIGKILL");
        assert.equal(await exited(npm.child), null);

        // The runner notices npm is gone, returns what it was running to the queue and lets go of the directory.
        await waitFor("the runner to stop and release its lock", () => (existsSync(lockFile) ? undefined : true), 30_000);
        await assert.rejects(fetch(`${npm.url}/api/overview`), "nothing serves on the old port");
        assert.match(npm.output(), /"parentPid":\d+,"reason":"npm, which started this runner, is gone","msg":"stopping"/);
        assert.match(npm.output(), /stopped: unfinished messages are back in the queue/);
        assert.equal(messagesNow(project.dbFile).inFlight, 0, "nothing is left claimed");

        const second = await start(project, "cli");
        await drained(second.url);
        assert.doesNotMatch(second.output(), /took over|in use/);
        second.child.kill("SIGTERM");
        assert.equal(await exited(second.child), 0);
        // A clean stop lets every handler it waited for finish: no effect repeats.
        assertExactlyOnce(project, 0);
    });
});

/** `text` as a literal inside a RegExp. */
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
