import type { Outcome } from "../../workers/runtime";
import type { Settled } from "../worker-pool";

/** Processing-time quantiles of one worker, in milliseconds (null before the first message). */
export interface WorkerLatency {
    worker: string;
    p50Ms: number | null;
    p99Ms: number | null;
    /** Samples the quantiles are computed over. */
    samples: number;
}

interface Sample {
    at: number;
    durationMs: number;
    failed: boolean;
}

/** How far back quantiles and error counts look. */
export const metricsWindowSeconds = 300;
const maxSamples = 10_000;

/**
 * What the worker pools did: outcome counters since start, and a sliding five-minute window of
 * processing times and failures for the quantiles, the dashboard and the worker-error alarm.
 */
export class WorkerMetrics {
    private readonly counters = new Map<string, number>();
    private readonly windows = new Map<string, Sample[]>();

    constructor(
        workers: string[],
        private readonly now: () => number = Date.now,
    ) {
        for (const worker of workers) this.windows.set(worker, []);
    }

    /** Records one settled delivery (WorkerPool's onSettled). */
    record(settled: Settled): void {
        const key = `${settled.worker}\u0000${settled.outcome}`;
        this.counters.set(key, (this.counters.get(key) ?? 0) + 1);
        const window = this.windows.get(settled.worker) ?? [];
        window.push({ at: this.now(), durationMs: settled.durationMs, failed: settled.outcome === "retry" || settled.outcome === "dead-letter" });
        if (window.length > maxSamples) window.splice(0, window.length - maxSamples);
        this.windows.set(settled.worker, window);
    }

    /** Deliveries per worker and outcome since start. */
    outcomes(): { worker: string; outcome: Outcome["kind"]; count: number }[] {
        return [...this.counters].map(([key, count]) => {
            const [worker, outcome] = key.split("\u0000");
            return { worker, outcome: outcome as Outcome["kind"], count };
        });
    }

    /** Failed deliveries (retry or dead-letter) of a worker in the last five minutes. */
    recentErrors(worker: string): number {
        return this.recent(worker).filter((s) => s.failed).length;
    }

    /** p50 and p99 processing time of each worker over the last five minutes. */
    latencies(): WorkerLatency[] {
        return [...this.windows.keys()].map((worker) => {
            const sorted = this.recent(worker).map((s) => s.durationMs).sort((a, b) => a - b);
            return { worker, p50Ms: quantile(sorted, 0.5), p99Ms: quantile(sorted, 0.99), samples: sorted.length };
        });
    }

    private recent(worker: string): Sample[] {
        const since = this.now() - metricsWindowSeconds * 1000;
        const window = this.windows.get(worker) ?? [];
        const first = window.findIndex((s) => s.at > since);
        if (first !== 0) window.splice(0, first < 0 ? window.length : first);
        return window;
    }
}

/** The nearest-rank quantile of sorted values. */
export function quantile(sorted: number[], q: number): number | null {
    if (sorted.length === 0) return null;
    return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
