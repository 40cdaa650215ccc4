import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { BenchOptions, BenchResult } from "./measure";
import { diskWrites, latencyTracker } from "./measure";
import { freePort } from "../../rehearse/emulators/process";

/** The parts of BullMQ's API the benchmark uses. */
interface BullMq {
    Queue: new (name: string, options: { connection: object }) => {
        addBulk(jobs: { name: string; data: unknown; opts?: { removeOnComplete?: boolean } }[]): Promise<{ id?: string }[]>;
        getJobCounts(...states: string[]): Promise<Record<string, number>>;
        obliterate(options: { force: boolean }): Promise<void>;
        close(): Promise<void>;
    };
    Worker: new (
        name: string,
        processor: (job: { id?: string }) => Promise<void>,
        options: { connection: object; concurrency: number; autorun: boolean },
    ) => {
        on(event: "completed", listener: () => void): void;
        waitUntilReady(): Promise<unknown>;
        run(): Promise<void>;
        close(): Promise<void>;
    };
}

/**
 * BullMQ is installed for the benchmark only (`npm install --no-save bullmq@5`): it is not a project
 * dependency because the registry this project installs from lacks the other platforms' packages of
 * its optional msgpack extension, which makes `npm ci` refuse the lock file.
 */
export function loadBullMq(): BullMq {
    try {
        return require("bullmq") as BullMq;
    } catch {
        throw new Error("bullmq is not installed. Run `npm install --no-save bullmq@5` first (it is left out of package.json on purpose).");
    }
}

async function waitForPort(port: number, ms: number): Promise<void> {
    const end = Date.now() + ms;
    for (;;) {
        const open = await new Promise<boolean>((resolve) => {
            const socket = connect(port, "127.0.0.1", () => {
                socket.end();
                resolve(true);
            });
            socket.once("error", () => resolve(false));
        });
        if (open) return;
        if (Date.now() > end) throw new Error(`redis-server did not listen on 127.0.0.1:${port} within ${ms} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
}

/** A throwaway redis-server (Debian's) on 127.0.0.1; `extraArgs` e.g. ["--appendonly", "yes", "--appendfsync", "always"]. */
export async function startRedis(extraArgs: string[] = []): Promise<{ port: number; pid: number; stop: () => Promise<void> }> {
    const port = await freePort();
    const dir = mkdtempSync(path.join(tmpdir(), "queuestack-redis-"));
    const child: ChildProcess = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", ...extraArgs], { stdio: "ignore" });
    await waitForPort(port, 5000);
    return {
        port,
        pid: child.pid!,
        stop: async () => {
            const exited = new Promise((resolve) => child.once("exit", resolve));
            child.kill("SIGTERM");
            await exited;
            rmSync(dir, { recursive: true, force: true });
        },
    };
}

/** BullMQ with the same workload: addBulk batches, one Worker at `concurrency`, a no-op processor, completed jobs removed. */
export async function benchBullMq({ messages, concurrency, batch }: BenchOptions, redisPort: number, redisPid?: number): Promise<BenchResult> {
    const { Queue, Worker } = loadBullMq();
    const connection = { host: "127.0.0.1", port: redisPort, maxRetriesPerRequest: null };
    const name = `bench-${Date.now()}`;
    const queue = new Queue(name, { connection });
    const latency = latencyTracker();
    let done = 0;
    let finished: () => void = () => undefined;
    const allDone = new Promise<void>((resolve) => (finished = resolve));
    const worker = new Worker(name, async (job) => void latency.done(job.id!), { connection, concurrency, autorun: false });
    worker.on("completed", () => {
        if (++done === messages) finished();
    });
    try {
        await worker.waitUntilReady();
        void worker.run();
        const writtenBefore = redisPid === undefined ? 0 : diskWrites(redisPid);
        const started = Date.now();
        for (let sent = 0; sent < messages; sent += batch) {
            const count = Math.min(batch, messages - sent);
            const at = Date.now();
            const jobs = await queue.addBulk(Array.from({ length: count }, (_, i) => ({ name: "m", data: { i: sent + i }, opts: { removeOnComplete: true } })));
            for (const job of jobs) latency.sent(job.id!, at);
        }
        await allDone;
        const seconds = (Date.now() - started) / 1000;
        const left = await queue.getJobCounts("waiting", "active", "delayed");
        if (left.waiting + left.active + left.delayed !== 0) throw new Error(`BullMQ left jobs behind: ${JSON.stringify(left)}`);
        const diskBytes = redisPid === undefined ? undefined : diskWrites(redisPid) - writtenBefore;
        return { messages, seconds, perSecond: messages / seconds, p99Ms: latency.p99(), p50Ms: latency.p50(), ...(diskBytes !== undefined ? { diskBytes } : {}) };
    } finally {
        await worker.close();
        await queue.obliterate({ force: true }).catch(() => undefined);
        await queue.close();
    }
}
