import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { openDatabase } from "../../local/engine/database";
import { Promoter } from "../../local/engine/promoter";
import { QueueEngine } from "../../local/engine/queue-engine";
import type { LocalQueueConfig } from "../../local/engine/types";
import { quantile } from "../../local/observability/metrics";
import { WorkerPool } from "../../local/worker-pool";
import { createLogger } from "../../workers/runtime";

/** One run's parameters. */
export interface PriorityBenchOptions {
    /** Low-priority messages queued before the run starts. */
    low: number;
    /** High-priority messages sent per second, evenly, until every low message has started. */
    highPerSecond: number;
    /** Level weights, highest first (3 levels: high, normal, low). */
    weights: number[];
    /** Promotion bound, seconds; 0 turns promotion off (the comparison run). */
    promoteAfterSeconds: number;
    /** Messages processed at once by the pool. */
    concurrency: number;
    /** Handler time per message, milliseconds. */
    workMs: number;
}

/** What one run measured. Waits run from the send to the start of the handler. */
export interface PriorityBenchResult {
    low: number;
    high: number;
    seconds: number;
    perSecond: number;
    highP50Ms: number;
    highP99Ms: number;
    highMaxMs: number;
    oldestLowMs: number;
    /** Moves one level up, counted over every pass. */
    promotions: number;
}

const levelNames = ["high", "normal", "low"];
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The local engine with three levels: `low` messages queued at once, then a steady stream of high
 * messages while a worker pool claims by weight and a promoter moves waiting messages up. Every
 * send is durable (group commit); the run ends once every message has been handled.
 */
export async function runPriorityBench(options: PriorityBenchOptions): Promise<PriorityBenchResult> {
    const dir = mkdtempSync(path.join(tmpdir(), "queuestack-bench-priorities-"));
    const db = openDatabase(path.join(dir, "bench.db"));
    const queue = (level: string): LocalQueueConfig => ({
        name: `bench-${level}`, fifo: false, maxReceiveCount: 5, visibilityTimeoutSeconds: 60, retentionSeconds: 86_400, deadLetterRetentionSeconds: 86_400,
    });
    const engine = new QueueEngine(db, levelNames.map(queue));
    const logger = createLogger({ name: "bench-priorities", level: "warn" });
    const levels = levelNames.map((level, i) => ({ queue: `bench-${level}`, weight: options.weights[i]! }));

    const sentAt = new Map<string, number>();
    const startedAt = new Map<string, number>();
    const lowIds = new Set<string>();
    let settled = 0;
    const pool = new WorkerPool({
        name: "bench", queue: "bench", levels, engine, concurrency: options.concurrency, logger, pollIntervalMs: 50,
        processor: async (message) => {
            if (!startedAt.has(message.id)) startedAt.set(message.id, Date.now());
            await sleep(options.workMs);
            return { kind: "done", result: null };
        },
        onSettled: () => settled++,
    });
    const promoter = options.promoteAfterSeconds > 0
        ? new Promoter({ engine, levels: levels.map((l) => l.queue), promoteAfterSeconds: options.promoteAfterSeconds, logger })
        : undefined;

    const send = async (level: string, count: number) => {
        const at = Date.now();
        const results = await engine.group.run(() => engine.sendBatch(`bench-${level}`, Array.from({ length: count }, () => ({ body: "{}" }))));
        for (const { id } of results) sentAt.set(id, at);
        return results.map((r) => r.id);
    };
    for (let queued = 0; queued < options.low; queued += 1000) {
        for (const id of await send("low", Math.min(1000, options.low - queued))) lowIds.add(id);
    }

    const started = Date.now();
    pool.start();
    let promotions = 0;
    const promotionTimer = promoter && setInterval(() => (promotions += promoter.promoteDue()), Math.min(1000, Math.max(50, options.promoteAfterSeconds * 100)));
    // The high stream: every 20 ms, the messages due by now at the configured rate.
    let highSent = 0;
    const stream = setInterval(() => {
        const due = Math.floor(((Date.now() - started) / 1000) * options.highPerSecond) - highSent;
        if (due > 0) {
            highSent += due;
            void send("high", due);
        }
    }, 20);
    const lowStarted = () => [...lowIds].every((id) => startedAt.has(id));
    while (!lowStarted()) await sleep(100);
    clearInterval(stream);
    while (settled < sentAt.size) await sleep(20);
    const seconds = (Date.now() - started) / 1000;
    clearInterval(promotionTimer);
    await pool.stop(1);
    db.close();
    rmSync(dir, { recursive: true, force: true });

    const waits = (ids: Iterable<string>) => [...ids].map((id) => startedAt.get(id)! - sentAt.get(id)!).sort((a, b) => a - b);
    const high = waits([...sentAt.keys()].filter((id) => !lowIds.has(id)));
    const low = waits(lowIds);
    return {
        low: lowIds.size,
        high: high.length,
        seconds,
        perSecond: sentAt.size / seconds,
        highP50Ms: quantile(high, 0.5) ?? 0,
        highP99Ms: quantile(high, 0.99) ?? 0,
        highMaxMs: high[high.length - 1] ?? 0,
        oldestLowMs: low[low.length - 1] ?? 0,
        promotions,
    };
}
