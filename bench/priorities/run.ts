/**
 * Priority levels on the local engine under load: 10,000 low-priority messages queued, then a
 * steady stream of high-priority ones while a worker pool claims by weight (3:1:1) and the promoter
 * moves messages that waited past promoteAfterSeconds up a level. Reports the high-priority p99
 * wait and the oldest low-priority wait, and checks the latter against the promotion bound
 * ((levels - 1) x promoteAfterSeconds + the handler's time). Not part of `npm test`.
 *
 *     npm run bench:priorities -- [--low 10000] [--high-per-second 450] [--promote-after 10]
 *         [--concurrency 16] [--work-ms 10] [--compare]
 *
 * `--compare` runs the same workload once more with promotion off, for the difference it makes.
 * Exit code 1 when the oldest low-priority wait is over the bound.
 */
import { Command, InvalidArgumentError } from "commander";
import { runPriorityBench, type PriorityBenchOptions, type PriorityBenchResult } from "./workload";

const whole = (min: number) => (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`"${value}" is not a whole number of at least ${min}.`);
    return n;
};

const cli = new Command("bench/priorities")
    .option("--low <n>", "low-priority messages queued at the start", whole(1), 10_000)
    .option("--high-per-second <n>", "high-priority messages sent per second", whole(1), 450)
    .option("--promote-after <s>", "promoteAfterSeconds", whole(1), 10)
    .option("--concurrency <n>", "messages processed at once", whole(1), 16)
    .option("--work-ms <ms>", "handler time per message", whole(0), 10)
    .option("--compare", "also run with promotion off", false)
    .parse()
    .opts<{ low: number; highPerSecond: number; promoteAfter: number; concurrency: number; workMs: number; compare: boolean }>();

const weights = [3, 1, 1];
const boundMs = (weights.length - 1) * cli.promoteAfter * 1000 + cli.workMs;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

const line = (label: string, r: PriorityBenchResult) =>
    `${label.padEnd(22)} ${r.low} low + ${r.high} high in ${r.seconds.toFixed(1)} s (${r.perSecond.toFixed(0)} msg/s)   ` +
    `high wait p50 ${r.highP50Ms} ms, p99 ${r.highP99Ms} ms, max ${r.highMaxMs} ms   oldest low wait ${seconds(r.oldestLowMs)}   promotions ${r.promotions}`;

async function main(): Promise<void> {
    const options: PriorityBenchOptions = {
        low: cli.low, highPerSecond: cli.highPerSecond, weights, promoteAfterSeconds: cli.promoteAfter, concurrency: cli.concurrency, workMs: cli.workMs,
    };
    process.stdout.write(
        `levels high:normal:low ${weights.join(":")}, ${cli.low} low queued, ${cli.highPerSecond} high/s, concurrency ${cli.concurrency}, ` +
        `handler ${cli.workMs} ms, promoteAfterSeconds ${cli.promoteAfter} (bound ${seconds(boundMs)})\n`,
    );
    const promoted = await runPriorityBench(options);
    process.stdout.write(`${line("promotion on", promoted)}\n`);
    if (cli.compare) process.stdout.write(`${line("promotion off", await runPriorityBench({ ...options, promoteAfterSeconds: 0 }))}\n`);
    const within = promoted.oldestLowMs <= boundMs;
    // No ordering drains the queued low messages faster than the pool runs: the bound can hold only above this.
    const floorMs = (1000 * promoted.low) / promoted.perSecond;
    process.stdout.write(`capacity floor: ${promoted.low} low / ${promoted.perSecond.toFixed(0)} msg/s = ${seconds(floorMs)} (the bound is reachable only when this is under it)\n`);
    process.stdout.write(
        `priorities: high p99 wait ${promoted.highP99Ms} ms, oldest low wait ${seconds(promoted.oldestLowMs)} ` +
        `${within ? "<=" : ">"} bound ${seconds(boundMs)} ((3 - 1) x ${cli.promoteAfter} s + ${cli.workMs} ms): ${within ? "PASS" : "FAIL"}\n`,
    );
    process.exitCode = within ? 0 : 1;
}

main().catch((error: unknown) => {
    process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
});
