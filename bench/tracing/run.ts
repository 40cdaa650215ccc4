/**
 * Tracing overhead, on and off side by side in one run, on the local engine and AWS poller benchmarks:
 *  - `local`: the local engine benchmark itself (bench/local-engine: durable batch sends, the worker
 *    pool running npm start's processor with the idempotency guard and job records, a no-op
 *    handler) with a send, process and settle span per message stored in the SQLite file, as
 *    `npm start -- --trace` records them;
 *  - `local-bare`: the same without the idempotency guard and job records (a bare processor), where
 *    the spans weigh most against what else a message costs;
 *  - the AWS poller's workload (bench/aws-poller: SqsPoller on moto, simulated I/O per message) with
 *    process and settle spans exported over OTLP/HTTP to a sink on 127.0.0.1.
 * Off and on alternate, after one untimed warm-up round of each (--warmup 0 skips it); prints each
 * round and the ratio of the medians (on / off), and for the local engine also the ratio of CPU time
 * (on / off), which a loaded machine disturbs far less than throughput.
 *   npx tsx bench/tracing/run.ts [--messages 5000] [--concurrency 50] [--batch 100] [--rounds 3] [--warmup 1]
 *                                [--poller-messages 1000] [--handler-ms 20] [--backlog 100] [--skip-poller] [--skip-local]
 */
import { parseArgs } from "node:util";
import { benchPollerTracing, loadMotoHelpers, startOtlpSink } from "./aws-poller";
import { benchLocalEngine } from "../local-engine/local";
import { benchLocalTracing } from "./local";

const { values } = parseArgs({
    options: {
        messages: { type: "string", default: "5000" },
        concurrency: { type: "string", default: "50" },
        batch: { type: "string", default: "100" },
        rounds: { type: "string", default: "3" },
        warmup: { type: "string", default: "1" },
        "poller-messages": { type: "string", default: "1000" },
        "handler-ms": { type: "string", default: "20" },
        backlog: { type: "string", default: "100" },
        "skip-poller": { type: "boolean", default: false },
        "skip-local": { type: "boolean", default: false },
    },
});
const rounds = Number(values.rounds);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** One round's result: messages per second, and the process's CPU milliseconds when the workload runs in-process. */
type Round = { rate: number; cpuMs?: number };

async function compare(label: string, once: (traced: boolean, round: number) => Promise<Round>): Promise<string> {
    for (let round = 1; round <= Number(values.warmup); round++) {
        await once(false, -round);
        await once(true, -round);
    }
    const off: Round[] = [];
    const on: Round[] = [];
    const cpu = (r: Round) => (r.cpuMs !== undefined ? `, ${Math.round(r.cpuMs)} ms CPU` : "");
    for (let round = 1; round <= rounds; round++) {
        off.push(await once(false, round));
        on.push(await once(true, round));
        console.log(`${label} round ${round}: tracing off ${Math.round(off.at(-1)!.rate)} msg/s${cpu(off.at(-1)!)}, on ${Math.round(on.at(-1)!.rate)} msg/s${cpu(on.at(-1)!)}, ratio ${(on.at(-1)!.rate / off.at(-1)!.rate).toFixed(3)}`);
    }
    const rate = (rs: Round[]) => median(rs.map((r) => r.rate));
    const cpuLine = off[0]!.cpuMs !== undefined
        ? `, CPU on/off ${(median(on.map((r) => r.cpuMs!)) / median(off.map((r) => r.cpuMs!))).toFixed(3)} (${Math.round(median(off.map((r) => r.cpuMs!)))} -> ${Math.round(median(on.map((r) => r.cpuMs!)))} ms)`
        : "";
    return `${label.padEnd(12)} median: off ${Math.round(rate(off))} msg/s, on ${Math.round(rate(on))} msg/s, on/off ${(rate(on) / rate(off)).toFixed(3)}${cpuLine}`;
}

async function main() {
    const local = { messages: Number(values.messages), concurrency: Number(values.concurrency), batch: Number(values.batch) };
    const summary = values["skip-local"]
        ? []
        : [
              await compare("local", (traced) => benchLocalEngine({ ...local, traced }).then((r) => ({ rate: r.perSecond, cpuMs: r.cpuMs! }))),
              await compare("local-bare", (traced) => benchLocalTracing({ ...local, traced })),
          ];
    if (!values["skip-poller"]) {
        const helpers = await loadMotoHelpers();
        if (!helpers.motoAvailable()) throw new Error("moto_server is not on PATH: install it with `pip install 'moto[server]'`, or pass --skip-poller.");
        const moto = await helpers.startMoto();
        const sink = await startOtlpSink();
        const poller = { messages: Number(values["poller-messages"]), concurrency: Number(values.concurrency), handlerMs: Number(values["handler-ms"]), backlog: Number(values.backlog) };
        const suffix = Date.now().toString(36);
        try {
            summary.push(await compare("aws-poller", (traced, round) =>
                benchPollerTracing(moto, helpers, { ...poller, traced, endpoint: sink.endpoint, queueName: `bench-tracing-${traced ? "on" : "off"}-${round < 0 ? `w${-round}` : round}-${suffix}` }).then((rate) => ({ rate }))));
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
