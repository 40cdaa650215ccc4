/**
 * `npm run plan` of a stack against a hand-written program of the same resources (handwritten.ts:
 * the provider classes with the inputs the plan registered, code packages included), both under
 * the same offline mocks, each in its own process, interleaved (the order rotates every round)
 * after one warm-up run each. Reports wall and CPU time (user + system, from /usr/bin/time) per
 * run and the ratio plan / hand-written per round: CPU time is the steadier figure on a loaded
 * machine. Not part of `npm test`: nothing here asserts a timing.
 *
 *     npm run bench:plan -- [--stack dev] [--runs 3] [--no-cache-contender]
 *
 * A third contender runs the plan with QUEUESTACK_BUNDLE_CACHE=off (esbuild builds every worker
 * bundle, as before the bundle cache) unless --no-cache-contender is given.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Command, InvalidArgumentError } from "commander";

const whole = (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`"${value}" is not a whole number of at least 1.`);
    return n;
};

const options = new Command("bench/plan")
    .option("--stack <name>", "stack whose plan is measured", "dev")
    .option("--runs <n>", "measured runs per contender", whole, 3)
    .option("--no-cache-contender", "leave out the plan with the bundle cache off")
    .parse()
    .opts<{ stack: string; runs: number; cacheContender: boolean }>();

const root = path.resolve(__dirname, "..", "..");
const tsx = path.join(root, "node_modules", ".bin", "tsx");
const work = mkdtempSync(path.join(tmpdir(), "queuestack-bench-plan-"));
const recorded = path.join(work, "resources.json");

interface Contender {
    label: string;
    argv: string[];
    env?: Record<string, string>;
}
interface Sample {
    wall: number;
    cpu: number;
}

function measure(contender: Contender): Sample {
    const times = path.join(work, "time.txt");
    const run = spawnSync("/usr/bin/time", ["-f", "%e %U %S", "-o", times, tsx, ...contender.argv], {
        cwd: root,
        env: { ...process.env, ...contender.env },
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
    });
    if (run.status !== 0) throw new Error(`${contender.label} failed (exit ${run.status}):\n${run.stderr}`);
    const [wall, user, system] = readFileSync(times, "utf8").trim().split(/\s+/).slice(-3).map(Number);
    return { wall, cpu: user + system };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const spread = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return `${sorted[0].toFixed(2)}/${median(sorted).toFixed(2)}/${sorted[sorted.length - 1].toFixed(2)}x`;
};

function main(): void {
    const record = spawnSync(tsx, ["bench/plan/record.ts", "--stack", options.stack, "--out", recorded], { cwd: root, encoding: "utf8" });
    if (record.status !== 0) throw new Error(`recording the plan failed:\n${record.stderr}`);
    process.stdout.write(record.stdout);

    const handwritten: Contender = { label: "hand-written program (same resources and inputs)", argv: ["bench/plan/handwritten.ts", recorded] };
    const contenders: Contender[] = [
        handwritten,
        { label: `npm run plan -- --stack ${options.stack}`, argv: ["cli/plan.ts", "--stack", options.stack] },
    ];
    if (options.cacheContender) {
        contenders.push({ label: `npm run plan -- --stack ${options.stack}, bundle cache off`, argv: ["cli/plan.ts", "--stack", options.stack], env: { QUEUESTACK_BUNDLE_CACHE: "off" } });
    }
    for (const contender of contenders) measure(contender); // warm-up: disk cache, bundle cache
    const samples = new Map<Contender, Sample[]>(contenders.map((c) => [c, []]));
    for (let round = 0; round < options.runs; round++) {
        for (let i = 0; i < contenders.length; i++) {
            const contender = contenders[(i + round) % contenders.length];
            samples.get(contender)!.push(measure(contender));
        }
    }
    const base = samples.get(handwritten)!;
    for (const contender of contenders) {
        const mine = samples.get(contender)!;
        const walls = mine.map((s) => s.wall);
        const cpus = mine.map((s) => s.cpu);
        let line = `${contender.label.padEnd(58)} wall ${median(walls).toFixed(2)} s  cpu ${median(cpus).toFixed(2)} s`;
        if (contender !== handwritten) {
            line += `  ratio (min/median/max) wall ${spread(mine.map((s, i) => s.wall / base[i].wall))}  cpu ${spread(mine.map((s, i) => s.cpu / base[i].cpu))}`;
        }
        process.stdout.write(`${line}\n`);
    }
    process.stdout.write(`reproduce: npm run bench:plan -- --stack ${options.stack} --runs ${options.runs}${options.cacheContender ? "" : " --no-cache-contender"}\n`);
}

try {
    main();
} finally {
    rmSync(work, { recursive: true, force: true });
}
