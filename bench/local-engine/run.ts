/**
 * Send -> process -> ack throughput of the local engine against BullMQ on a local redis-server,
 * same no-op handler, same concurrency, same batch size, in one run. Not part of `npm test`.
 *
 *     npx tsx bench/local-engine/run.ts [--messages 5000] [--concurrency 50] [--batch 100]
 *
 * Needs Debian's redis-server on PATH (apt-get install redis-server; it is started here on a free
 * 127.0.0.1 port and stopped at the end) and BullMQ (npm install --no-save bullmq@5).
 */
import { Command, InvalidArgumentError } from "commander";
import { benchBullMq, loadBullMq, startRedis } from "./bullmq";
import { benchLocalEngine } from "./local";
import type { BenchOptions, BenchResult } from "./measure";

const positive = (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`"${value}" is not a positive whole number.`);
    return n;
};

const options = new Command("bench/local-engine")
    .option("--messages <n>", "messages per contender", positive, 5000)
    .option("--concurrency <n>", "messages processed at once", positive, 50)
    .option("--batch <n>", "messages per send request", positive, 100)
    .parse()
    .opts<BenchOptions>();

const line = (label: string, r: BenchResult) =>
    `${label.padEnd(58)} ${r.perSecond.toFixed(0).padStart(7)} msg/s   ${r.seconds.toFixed(2)} s   p50 ${r.p50Ms} ms   p99 ${r.p99Ms} ms`;

async function main(): Promise<void> {
    loadBullMq();
    process.stdout.write(`${options.messages} messages, concurrency ${options.concurrency}, batches of ${options.batch}, no-op handler\n`);
    const local = await benchLocalEngine(options);
    process.stdout.write(`${line("local engine (SQLite WAL, synchronous=FULL, group commit)", local)}\n`);

    const results: [string, BenchResult][] = [];
    for (const [label, args] of [
        ["BullMQ, redis-server in memory (no RDB, no AOF)", []],
        ["BullMQ, redis-server AOF appendfsync always", ["--appendonly", "yes", "--appendfsync", "always"]],
    ] as const) {
        const redis = await startRedis([...args]);
        try {
            const result = await benchBullMq(options, redis.port);
            results.push([label, result]);
            process.stdout.write(`${line(label, result)}\n`);
        } finally {
            await redis.stop();
        }
    }
    for (const [label, result] of results) {
        process.stdout.write(`ratio local / ${label}: ${(local.perSecond / result.perSecond).toFixed(2)}x throughput, p99 ${local.p99Ms} ms vs ${result.p99Ms} ms\n`);
    }
    process.stdout.write(`reproduce: npx tsx bench/local-engine/run.ts --messages ${options.messages} --concurrency ${options.concurrency} --batch ${options.batch}\n`);
}

main().then(
    () => process.exit(0),
    (error: unknown) => {
        process.stderr.write(`benchmark failed: ${(error as Error)?.stack ?? String(error)}\n`);
        process.exit(1);
    },
);
