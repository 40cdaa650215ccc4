/**
 * How long a `queuestack` call takes before it does anything: `--help` and `status` on the local
 * target, each run `--runs` times, interleaved with `node -e 0` (the floor no CLI can go below on
 * this machine at this moment), medians reported. Point `--before` at another checkout of the
 * repository (with node_modules) to compare two versions in one run. Not part of `npm test`:
 * nothing here asserts a timing.
 *
 *     npm run bench:cli-startup -- [--runs 15] [--before /tmp/queuestack-before] [--bin dist]
 *
 * `--bin dist` runs the compiled dist/cli/queuestack.js (what the published package runs);
 * the default runs bin/queuestack.js as it resolves in the checkout.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { Command, InvalidArgumentError } from "commander";

const whole = (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`"${value}" is not a whole number of at least 1.`);
    return n;
};

const options = new Command("bench/cli-startup")
    .option("--runs <n>", "runs per command", whole, 15)
    .option("--before <dir>", "another checkout to compare with")
    .option("--bin <which>", "bin (bin/queuestack.js) or dist (dist/cli/queuestack.js)", "bin")
    .parse()
    .opts<{ runs: number; before?: string; bin: string }>();

const here = path.resolve(__dirname, "..", "..");
const entry = (dir: string) => path.join(dir, options.bin === "dist" ? "dist/cli/queuestack.js" : "bin/queuestack.js");
const calls: Record<string, string[]> = { "--help": ["--help"], status: ["status", "--stack", "dev", "--target", "local", "--data-dir", ".queuestack/bench-cli-startup"] };

interface Subject {
    label: string;
    argv: string[];
    cwd: string;
}
const subjects: Subject[] = [{ label: "node -e 0", argv: ["-e", "0"], cwd: here }];
for (const [dir, version] of [[options.before, "before"], [here, options.before ? "after" : "this checkout"]] as const) {
    if (!dir) continue;
    for (const [name, args] of Object.entries(calls)) subjects.push({ label: `${version}: queuestack ${name}`, argv: [entry(dir), ...args], cwd: dir });
}

const samples = new Map<string, number[]>(subjects.map((s) => [s.label, []]));
for (let run = 0; run < options.runs; run++) {
    for (const subject of subjects) {
        const started = process.hrtime.bigint();
        const result = spawnSync(process.execPath, subject.argv, { cwd: subject.cwd, encoding: "utf8" });
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        if (result.status !== 0) throw new Error(`${subject.label} exited ${result.status}: ${result.stderr}`);
        samples.get(subject.label)?.push(ms);
    }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const floor = median(samples.get("node -e 0") ?? []);
console.log(`${options.runs} runs each, interleaved; medians (and minus the node -e 0 floor)\n`);
for (const [label, values] of samples) {
    const m = median(values);
    console.log(`${label.padEnd(36)} ${m.toFixed(0).padStart(6)} ms   ${label === "node -e 0" ? "" : `+${(m - floor).toFixed(0)} ms`}`);
}
