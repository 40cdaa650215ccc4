/**
 * Send -> process -> ack throughput of the local engine against BullMQ on a local redis-server,
 * same no-op handler, same concurrency, same batch size, in one run: a warm-up of each, then
 * rounds in which every contender runs once, the order rotating so none always goes first. Not part of `npm test`.
 *
 *     npx tsx bench/local-engine/run.ts [--messages 5000] [--concurrency 50] [--batch 100] [--runs 3] [--warmup 1000]
 *         [--baseline <checkout>] [--no-bullmq]
 *
 * `--baseline` adds the local engine of another checkout (its bench/local-engine/local.ts, with its
 * own engine files) as a contender in the same rounds, for a before/after ratio of an engine change.
 *
 * Needs Debian's redis-server on PATH (apt-get install redis-server; it is started here on a free
 * 127.0.0.1 port and stopped at the end) and BullMQ (npm install --no-save bullmq@5).
 */
import * as path from "node:path";
import { Command } from "commander";
import { benchBullMq, loadBullMq, startRedis } from "./bullmq";
import { benchLocalEngine } from "./local";
import { positiveWholeNumber, ratioSpread, type BenchOptions, type BenchResult } from "./measure";

const options = new Command("bench/local-engine")
    .option("--messages <n>", "messages per contender", positiveWholeNumber, 5000)
    .option("--concurrency <n>", "messages processed at once", positiveWholeNumber, 50)
    .option("--batch <n>", "messages per send request", positiveWholeNumber, 100)
    .option("--runs <n>", "measured rounds; each runs every contender once, the order rotating", positiveWholeNumber, 3)
    .option("--warmup <n>", "messages of the unmeasured warm-up run of each contender", positiveWholeNumber, 1000)
    .option("--baseline <checkout>", "also run the local engine of this checkout (before/after an engine change)")
    .option("--no-bullmq", "leave BullMQ out (with --baseline: the engine change alone)")
    .parse()
    .opts<BenchOptions & { runs: number; warmup: number; baseline?: string; bullmq: boolean }>();

const line = (label: string, r: BenchResult) =>
    `${label.padEnd(62)} ${r.perSecond.toFixed(0).padStart(7)} msg/s   ${r.seconds.toFixed(2)} s   p50 ${r.p50Ms} ms   p99 ${r.p99Ms} ms   disk ${((r.diskBytes ?? 0) / r.messages / 1024).toFixed(1)} KiB/msg`;

interface Contender {
    label: string;
    run(messages: number): Promise<BenchResult>;
}

const withRedis = (args: string[]) => async (messages: number) => {
    const redis = await startRedis(args);
    try {
        return await benchBullMq({ ...options, messages }, redis.port, redis.pid);
    } finally {
        await redis.stop();
    }
};

/** The local engine of another checkout, run by its own benchmark module. */
async function baseline(checkout: string): Promise<Contender> {
    const module = (await import(path.resolve(checkout, "bench/local-engine/local.ts"))) as { benchLocalEngine: typeof benchLocalEngine };
    return { label: `local engine at ${checkout}`, run: (messages) => module.benchLocalEngine({ ...options, messages }) };
}

async function main(): Promise<void> {
    if (options.bullmq) loadBullMq();
    const local: Contender = { label: "local engine as npm start runs it (idempotency + job records)", run: (messages) => benchLocalEngine({ ...options, messages }) };
    const contenders: Contender[] = [local, ...(options.baseline ? [await baseline(options.baseline)] : [])];
    if (options.bullmq) {
        contenders.push(
            { label: "BullMQ, redis-server in memory (no RDB, no AOF)", run: withRedis([]) },
            { label: "BullMQ, redis-server AOF appendfsync always", run: withRedis(["--appendonly", "yes", "--appendfsync", "always"]) },
        );
    }
    process.stdout.write(`${options.messages} messages, concurrency ${options.concurrency}, batches of ${options.batch}, no-op handler, ${options.runs} rounds after a ${options.warmup}-message warm-up each\n`);
    for (const contender of contenders) await contender.run(options.warmup);
    const results = new Map<Contender, BenchResult[]>(contenders.map((c) => [c, []]));
    for (let round = 0; round < options.runs; round++) {
        for (let i = 0; i < contenders.length; i++) {
            const contender = contenders[(i + round) % contenders.length];
            const result = await contender.run(options.messages);
            results.get(contender)!.push(result);
            process.stdout.write(`round ${round + 1}: ${line(contender.label, result)}\n`);
        }
    }
    const mine = results.get(local)!;
    for (const contender of contenders.slice(1)) {
        const theirs = results.get(contender)!;
        process.stdout.write(
            `local / ${contender.label}: throughput ${ratioSpread(mine.map((r, i) => r.perSecond / theirs[i].perSecond))} (min/median/max per round), ` +
                `p99 ${ratioSpread(mine.map((r, i) => r.p99Ms / Math.max(1, theirs[i].p99Ms)))} of theirs\n`,
        );
    }
    const flags = `${options.baseline ? ` --baseline ${options.baseline}` : ""}${options.bullmq ? "" : " --no-bullmq"}`;
    process.stdout.write(`reproduce: npx tsx bench/local-engine/run.ts --messages ${options.messages} --concurrency ${options.concurrency} --batch ${options.batch} --runs ${options.runs} --warmup ${options.warmup}${flags}\n`);
}

main().then(
    () => process.exit(0),
    (error: unknown) => {
        process.stderr.write(`benchmark failed: ${(error as Error)?.stack ?? String(error)}\n`);
        process.exit(1);
    },
);
