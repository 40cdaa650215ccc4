/**
 * `npm start` end to end against Fastify + BullMQ on Redis with AOF `appendfsync always`, in one run:
 * the same HTTP load (bench/npm-start/load.ts: `--messages` POSTs of one message each, `--concurrency`
 * at a time) on each contender's own process, a no-op handler at concurrency 50 on both sides. A
 * warm-up run of each, then `--runs` rounds, the order rotating. Not part of `npm test`.
 *
 *     npx tsx bench/npm-start/run.ts [--messages 5000] [--concurrency 50] [--runs 3] [--warmup 1000]
 *
 * Needs Debian's redis-server and BullMQ (`npm install --no-save bullmq@5`), as bench/local-engine.
 * Done times: the local stack's job records (their `at`, read from its SQLite file); the baseline's
 * Worker `completed` events.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Command } from "commander";
import Database from "better-sqlite3";
import { loadBullMq, startRedis } from "../local-engine/bullmq";
import { positiveWholeNumber, ratioSpread } from "../local-engine/measure";
import { endToEnd, postAll, type EndToEnd } from "./load";

const options = new Command("bench/npm-start")
    .option("--messages <n>", "POSTs per run", positiveWholeNumber, 5000)
    .option("--concurrency <n>", "POSTs in flight at once", positiveWholeNumber, 50)
    .option("--runs <n>", "measured rounds; each runs every contender once, the order rotating", positiveWholeNumber, 3)
    .option("--warmup <n>", "POSTs of the unmeasured warm-up run of each contender", positiveWholeNumber, 1000)
    .parse()
    .opts<{ messages: number; concurrency: number; runs: number; warmup: number }>();

const root = path.resolve(__dirname, "..", "..");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A contender's server, started fresh for each run. */
interface Server {
    url: string;
    /** How many messages are done so far. */
    doneCount(): Promise<number>;
    /** Each done message's id and finishing time. */
    doneAt(): Promise<Map<string, number>>;
    stop(): Promise<void>;
}

/** Starts `argv` under node with stdout to a file, and waits for its `Front end: <url>` line. */
async function serve(argv: string[], dir: string, env: NodeJS.ProcessEnv = process.env): Promise<{ child: ChildProcess; url: string }> {
    const out = path.join(dir, "stdout.log");
    const fd = openSync(out, "w");
    const child = spawn(process.execPath, argv, { cwd: root, stdio: ["ignore", fd, "pipe"], env });
    closeSync(fd);
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => void (stderr += chunk.toString()));
    for (let waited = 0; waited < 60_000; waited += 50) {
        const match = /Front end: (http:\/\/127\.0\.0\.1:\d+)/.exec(readFileSync(out, "utf8"));
        if (match) return { child, url: match[1]! };
        if (child.exitCode !== null) break;
        await sleep(50);
    }
    child.kill("SIGKILL");
    throw new Error(`${argv.join(" ")} did not print its URL: ${stderr}`);
}

const stopChild = async (child: ChildProcess, signal: NodeJS.Signals) => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill(signal);
    await exited;
};

/** `npm start` as package.json runs it (node --import tsx local/main.ts), on the bench project's stack. */
async function startLocal(): Promise<Server> {
    const dir = mkdtempSync(path.join(tmpdir(), "queuestack-bench-npm-start-"));
    const script = (JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: { start: string } }).scripts.start;
    const argv = [...script.replace(/^exec\s+/, "").split(/\s+/).slice(1), "--stack", "bench", "--dir", path.join(__dirname, "project"), "--port", "0", "--data-dir", path.join(dir, "data")];
    const { child, url } = await serve(argv, dir, { ...process.env, QUEUESTACK_LOG_FORMAT: "json" });
    const db = new Database(path.join(dir, "data", "queuestack.db"), { readonly: true });
    const records = () => db.prepare("SELECT id, json_extract(record, '$.at') AS at FROM jobs WHERE json_extract(record, '$.status') = 'done'").all() as { id: string; at: string }[];
    return {
        url: `${url}/queues/work/messages`,
        doneCount: async () => (db.prepare("SELECT count(*) AS n FROM jobs WHERE json_extract(record, '$.status') = 'done'").get() as { n: number }).n,
        doneAt: async () => new Map(records().map((r) => [r.id, Date.parse(r.at)])),
        stop: async () => {
            db.close();
            await stopChild(child, "SIGINT");
            rmSync(dir, { recursive: true, force: true });
        },
    };
}

/** Fastify + BullMQ (fastify-bullmq.ts) on a fresh redis-server with AOF appendfsync always. */
async function startBaseline(): Promise<Server> {
    const dir = mkdtempSync(path.join(tmpdir(), "queuestack-bench-fastify-bullmq-"));
    const redis = await startRedis(["--appendonly", "yes", "--appendfsync", "always"]);
    const { child, url } = await serve(["--import", "tsx", path.join(__dirname, "fastify-bullmq.ts"), String(redis.port)], dir);
    const get = async <T>(query: string) => (await (await fetch(`${url}/bench/done${query}`)).json()) as T;
    return {
        url: `${url}/queues/work/messages`,
        doneCount: async () => (await get<{ count: number }>("")).count,
        doneAt: async () => new Map((await get<{ done: [string, number][] }>("?all=1")).done),
        stop: async () => {
            await stopChild(child, "SIGTERM");
            await redis.stop();
            rmSync(dir, { recursive: true, force: true });
        },
    };
}

interface Contender {
    label: string;
    start(): Promise<Server>;
}

async function once(contender: Contender, messages: number): Promise<EndToEnd> {
    const server = await contender.start();
    try {
        const intake = await postAll(server.url, messages, options.concurrency);
        for (let waited = 0; (await server.doneCount()) < messages; waited += 20) {
            if (waited > 300_000) throw new Error(`${contender.label}: not every message was done within 300 s`);
            await sleep(20);
        }
        return endToEnd(intake, await server.doneAt());
    } finally {
        await server.stop();
    }
}

const line = (label: string, r: EndToEnd) =>
    `${label.padEnd(40)} accepted ${r.acceptedPerSecond.toFixed(0).padStart(6)}/s   done ${r.donePerSecond.toFixed(0).padStart(6)}/s   ` +
    `accept->done p50 ${r.p50Ms} ms p99 ${r.p99Ms} ms   first half of intake p50 ${r.firstHalfP50Ms} ms   done while intake ran ${r.doneDuringIntake}`;

async function main(): Promise<void> {
    loadBullMq();
    const local: Contender = { label: "npm start (queuestack local)", start: startLocal };
    const baseline: Contender = { label: "Fastify + BullMQ, Redis AOF always", start: startBaseline };
    const contenders = [local, baseline];
    process.stdout.write(`${options.messages} POSTs, ${options.concurrency} at a time, no-op handler at concurrency 50, ${options.runs} rounds after a ${options.warmup}-POST warm-up each\n`);
    for (const contender of contenders) await once(contender, options.warmup);
    const results = new Map<Contender, EndToEnd[]>(contenders.map((c) => [c, []]));
    for (let round = 0; round < options.runs; round++) {
        for (let i = 0; i < contenders.length; i++) {
            const contender = contenders[(i + round) % contenders.length]!;
            const result = await once(contender, options.messages);
            results.get(contender)!.push(result);
            process.stdout.write(`round ${round + 1}: ${line(contender.label, result)}\n`);
        }
    }
    const mine = results.get(local)!;
    const theirs = results.get(baseline)!;
    const ratio = (pick: (r: EndToEnd) => number) => ratioSpread(mine.map((r, i) => pick(r) / Math.max(1, pick(theirs[i]!))));
    process.stdout.write(
        `npm start / Fastify + BullMQ per round (min/median/max): done/s ${ratio((r) => r.donePerSecond)}, accepted/s ${ratio((r) => r.acceptedPerSecond)}, ` +
            `p99 accept->done ${ratio((r) => r.p99Ms)}, p50 ${ratio((r) => r.p50Ms)}\n` +
            `reproduce: npx tsx bench/npm-start/run.ts --messages ${options.messages} --concurrency ${options.concurrency} --runs ${options.runs} --warmup ${options.warmup}\n`,
    );
}

main().then(
    () => process.exit(0),
    (error: unknown) => {
        process.stderr.write(`benchmark failed: ${(error as Error)?.stack ?? String(error)}\n`);
        process.exit(1);
    },
);
