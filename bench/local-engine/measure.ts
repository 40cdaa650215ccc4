import { readFileSync } from "node:fs";
import { InvalidArgumentError } from "commander";
import { quantile } from "../../local/observability/metrics";

/** One benchmark run's parameters: the same for every contender. */
export interface BenchOptions {
    messages: number;
    /** Messages processed at once by the consumer. */
    concurrency: number;
    /** Messages per send request (sendBatch / addBulk). */
    batch: number;
}

/** What one contender achieved. */
export interface BenchResult {
    messages: number;
    seconds: number;
    perSecond: number;
    /** Send (request start) to done (handler finished), milliseconds. */
    p50Ms: number;
    p99Ms: number;
    /** Bytes the storing process wrote to disk during the run (/proc/<pid>/io write_bytes): the local engine's own, redis-server's for BullMQ. */
    diskBytes?: number;
    /** CPU time (user + system) of the benchmark process over the run, milliseconds (local engine only: BullMQ's work is in redis-server). */
    cpuMs?: number;
}

/** write_bytes of /proc/<pid>/io: what a process has caused to be written to storage so far (0 when unreadable). */
export function diskWrites(pid: number | "self" = "self"): number {
    try {
        const match = /^write_bytes: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, "utf8"));
        return match ? Number(match[1]) : 0;
    } catch {
        return 0;
    }
}

/** Send-to-done latencies by message id. */
export function latencyTracker() {
    const sentAt = new Map<string, number>();
    const doneAt = new Map<string, number>();
    const latencies = () => {
        const values: number[] = [];
        for (const [id, sent] of sentAt) {
            const done = doneAt.get(id);
            if (done === undefined) throw new Error(`message ${id} was sent but never done`);
            values.push(done - sent);
        }
        return values.sort((a, b) => a - b);
    };
    return {
        sent: (id: string, at: number) => sentAt.set(id, at),
        done: (id: string) => {
            if (!doneAt.has(id)) doneAt.set(id, Date.now());
        },
        p50: () => quantile(latencies(), 0.5) ?? 0,
        p99: () => quantile(latencies(), 0.99) ?? 0,
    };
}

/** A command-line option that must be a whole number of at least 1 (the benchmarks' --messages, --runs...). */
export function positiveWholeNumber(value: string): number {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`"${value}" is not a positive whole number.`);
    return n;
}

/** Per-round ratios as `min/median/max` followed by "x" (the upper middle value for an even count). */
export function ratioSpread(values: number[]): string {
    const sorted = [...values].sort((a, b) => a - b);
    return `${sorted[0]!.toFixed(2)}/${sorted[Math.floor(sorted.length / 2)]!.toFixed(2)}/${sorted[sorted.length - 1]!.toFixed(2)}x`;
}
