/**
 * How long a `queuestack` call takes before it does anything: `--help` and `status` on the local
 * target, and the local stack from launch to its printed front-end URL (`queuestack local`, and
 * `npm start` as package.json runs it), each run `--runs` times, interleaved with `node -e 0` (the
 * floor no CLI can go below on this machine at this moment), medians reported. Point `--before` at
 * another checkout of the repository (with node_modules) to compare two versions in one run. Not
 * part of `npm test`: nothing here asserts a timing.
 *
 *     npm run bench:cli-startup -- [--runs 15] [--before /tmp/queuestack-before] [--bin dist]
 *
 * `--bin dist` runs the compiled dist/cli/queuestack.js (what the published package runs);
 * the default runs bin/queuestack.js as it resolves in the checkout. The local stack runs the `dev`
 * stack on a free port with a throwaway data directory, and is stopped (SIGINT) once it prints
 * `Front end: http://...`; its time is to that line.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Command } from "commander";
import { positiveWholeNumber } from "../local-engine/measure";

const options = new Command("bench/cli-startup")
    .option("--runs <n>", "runs per command", positiveWholeNumber, 15)
    .option("--before <dir>", "another checkout to compare with")
    .option("--bin <which>", "bin (bin/queuestack.js) or dist (dist/cli/queuestack.js)", "bin")
    .parse()
    .opts<{ runs: number; before?: string; bin: string }>();

const here = path.resolve(__dirname, "..", "..");
const entry = (dir: string) => path.join(dir, options.bin === "dist" ? "dist/cli/queuestack.js" : "bin/queuestack.js");
const dataDir = mkdtempSync(path.join(tmpdir(), "queuestack-bench-cli-startup-"));
const local = ["--stack", "dev", "--port", "0", "--data-dir", dataDir];
const calls: Record<string, string[]> = {
    "--help": ["--help"],
    status: ["status", "--stack", "dev", "--target", "local", "--data-dir", dataDir],
    "local (to its URL)": ["local", ...local],
};
/** What `npm start` runs (package.json scripts.start), without npm itself in front. */
const npmStart = (dir: string): string[] => {
    const script = (JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { scripts: { start: string } }).scripts.start;
    return [...script.replace(/^exec\s+/, "").split(/\s+/).slice(1), ...local];
};

interface Subject {
    label: string;
    argv: string[];
    cwd: string;
    /** Timed until this line appears on stdout, then stopped; otherwise until it exits (with 0). */
    until?: RegExp;
}
const url = /Front end: http:\/\/127\.0\.0\.1:\d+/;
const subjects: Subject[] = [{ label: "node -e 0", argv: ["-e", "0"], cwd: here }];
for (const [dir, version] of [[options.before, "before"], [here, options.before ? "after" : "this checkout"]] as const) {
    if (!dir) continue;
    for (const [name, args] of Object.entries(calls)) subjects.push({ label: `${version}: queuestack ${name}`, argv: [entry(dir), ...args], cwd: dir, ...(name.startsWith("local") ? { until: url } : {}) });
    subjects.push({ label: `${version}: npm start (to its URL)`, argv: npmStart(dir), cwd: dir, until: url });
}

/** Milliseconds from spawn to exit (or to the `until` line, after which the process is stopped and awaited). */
function time(subject: Subject): Promise<number> {
    return new Promise((resolve, reject) => {
        const started = process.hrtime.bigint();
        const child = spawn(process.execPath, subject.argv, { cwd: subject.cwd, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, QUEUESTACK_LOG_FORMAT: "json" } });
        let stdout = "";
        let stderr = "";
        let reached: number | undefined;
        child.stdout.on("data", (chunk: Buffer) => {
            stdout += chunk.toString();
            if (reached === undefined && subject.until?.test(stdout)) {
                reached = Number(process.hrtime.bigint() - started) / 1e6;
                child.kill("SIGINT");
            }
        });
        child.stderr.on("data", (chunk: Buffer) => void (stderr += chunk.toString()));
        child.on("error", reject);
        child.on("exit", (code) => {
            const ms = Number(process.hrtime.bigint() - started) / 1e6;
            if (subject.until) return reached === undefined ? reject(new Error(`${subject.label} exited ${code} before printing its URL: ${stderr}`)) : resolve(reached);
            return code === 0 ? resolve(ms) : reject(new Error(`${subject.label} exited ${code}: ${stderr}`));
        });
    });
}

async function main(): Promise<void> {
    const samples = new Map<string, number[]>(subjects.map((s) => [s.label, []]));
    for (let run = 0; run < options.runs; run++) {
        for (const subject of subjects) samples.get(subject.label)?.push(await time(subject));
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const floor = median(samples.get("node -e 0") ?? []);
    console.log(`${options.runs} runs each, interleaved; medians (and minus the node -e 0 floor)\n`);
    for (const [label, values] of samples) {
        const m = median(values);
        console.log(`${label.padEnd(48)} ${m.toFixed(0).padStart(6)} ms   ${label === "node -e 0" ? "" : `+${(m - floor).toFixed(0)} ms`}`);
    }
}

main()
    .finally(() => rmSync(dataDir, { recursive: true, force: true }))
    .catch((error: unknown) => {
        console.error(error);
        process.exitCode = 1;
    });
