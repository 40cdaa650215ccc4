/**
 * Tracing overhead, on and off side by side in one run, on the two benchmarks issue 20 names:
 *  - the local engine's workload (bench/local-engine: durable batch sends, the worker pool, a no-op
 *    handler) with a send, process and settle span per message stored in the SQLite file;
 *  - the AWS poller's workload (bench/aws-poller: SqsPoller on moto, simulated I/O per message) with
 *    process and settle spans exported over OTLP/HTTP to a sink on 127.0.0.1.
 * Off and on alternate; prints each round and the ratio of the medians (on / off).
 *   npx tsx bench/tracing/run.ts [--messages 5000] [--concurrency 50] [--batch 100] [--rounds 3]
 *                                [--poller-messages 1000] [--handler-ms 20] [--backlog 100] [--skip-poller] [--skip-local]
 */
import { parseArgs } from "node:util";
import { benchPollerTracing, loadMotoHelpers, startOtlpSink } from "./aws-poller";
import { benchLocalTracing } from "./local";

const { values } = parseArgs({
    options: {
        messages: { type: "string", default: "5000" },
        concurrency: { type: "string", default: "50" },
        batch: { type: "string", default: "100" },
        rounds: { type: "string", default: "3" },
        "poller-messages": { type: "string", default: "1000" },
        "handler-ms": { type: "string", default: "20" },
        backlog: { type: "string", default: "100" },
        "skip-poller": { type: "boolean", default: false },
        "skip-local": { type: "boolean", default: false },
    },
});
const rounds = Number(values.rounds);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function compare(label: string, once: (traced: boolean, round: number) => Promise<number>): Promise<string> {
    const off: number[] = [];
    const on: number[] = [];
    for (let round = 1; round <= rounds; round++) {
        off.push(await once(false, round));
        on.push(await once(true, round));
        console.log(`${label} round ${round}: tracing off ${Math.round(off.at(-1)!)} msg/s, on ${Math.round(on.at(-1)!)} msg/s, ratio ${(on.at(-1)! / off.at(-1)!).toFixed(3)}`);
    }
    return `${label.padEnd(12)} median: off ${Math.round(median(off))} msg/s, on ${Math.round(median(on))} msg/s, on/off ${(median(on) / median(off)).toFixed(3)}`;
}

async function main() {
    const local = { messages: Number(values.messages), concurrency: Number(values.concurrency), batch: Number(values.batch) };
    const summary = values["skip-local"] ? [] : [await compare("local", (traced) => benchLocalTracing({ ...local, traced }))];
    if (!values["skip-poller"]) {
        const helpers = await loadMotoHelpers();
        if (!helpers.motoAvailable()) throw new Error("moto_server is not on PATH: install it with `pip install 'moto[server]'`, or pass --skip-poller.");
        const moto = await helpers.startMoto();
        const sink = await startOtlpSink();
        const poller = { messages: Number(values["poller-messages"]), concurrency: Number(values.concurrency), handlerMs: Number(values["handler-ms"]), backlog: Number(values.backlog) };
        const suffix = Date.now().toString(36);
        try {
            summary.push(await compare("aws-poller", (traced, round) =>
                benchPollerTracing(moto, helpers, { ...poller, traced, endpoint: sink.endpoint, queueName: `bench-tracing-${traced ? "on" : "off"}-${round}-${suffix}` })));
            summary.push(`aws-poller   OTLP export requests received by the sink: ${sink.requests()}`);
        } finally {
            await sink.close();
            const keepAlive = setInterval(() => undefined, 1000);
            await moto.stop();
            clearInterval(keepAlive);
        }
    }
    console.log(summary.join("\n"));
}
main().then(
    () => process.exit(0),
    (error: unknown) => {
        console.error(`benchmark failed: ${(error as Error)?.stack ?? String(error)}`);
        process.exit(1);
    },
);
