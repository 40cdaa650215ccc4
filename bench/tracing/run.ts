/**
 * Tracing overhead on the local engine: the same workload with tracing off and on, alternating,
 * in one run; prints each round and the ratio of the medians (on / off).
 *   npx tsx bench/tracing/run.ts [--messages 5000] [--concurrency 50] [--batch 100] [--rounds 3]
 */
import { parseArgs } from "node:util";
import { benchLocalTracing } from "./local";

const { values } = parseArgs({ options: { messages: { type: "string", default: "5000" }, concurrency: { type: "string", default: "50" }, batch: { type: "string", default: "100" }, rounds: { type: "string", default: "3" } } });
const options = { messages: Number(values.messages), concurrency: Number(values.concurrency), batch: Number(values.batch) };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
    const off: number[] = [];
    const on: number[] = [];
    for (let round = 1; round <= Number(values.rounds); round++) {
        off.push(await benchLocalTracing({ ...options, traced: false }));
        on.push(await benchLocalTracing({ ...options, traced: true }));
        console.log(`round ${round}: tracing off ${Math.round(off.at(-1)!)} msg/s, on ${Math.round(on.at(-1)!)} msg/s, ratio ${(on.at(-1)! / off.at(-1)!).toFixed(3)}`);
    }
    console.log(`median: off ${Math.round(median(off))} msg/s, on ${Math.round(median(on))} msg/s, on/off ${(median(on) / median(off)).toFixed(3)}`);
}
void main();
