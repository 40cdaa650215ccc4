import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import pino from "pino";
import { SqliteWorkerStore } from "../../local/datastore";
import { openDatabase } from "../../local/engine/database";
import { QueueEngine } from "../../local/engine/queue-engine";
import { WorkerPool } from "../../local/worker-pool";
import { createLogger, createProcessor, defineWorker } from "../../workers/runtime";
import type { BenchOptions, BenchResult } from "./measure";
import { diskWrites, latencyTracker } from "./measure";

/**
 * The local engine end to end as `npm start` runs it: durable batch sends (each resolves after its
 * commit), the worker pool running a no-op handler through the runtime's processor with the
 * idempotency guard (claim, then complete: key body.i, kept 24 h) and job records in the same
 * SQLite file, and the runner's JSON log lines (written synchronously, to /dev/null). Done when
 * every message is acknowledged and the queue is empty on disk.
 */
export async function benchLocalEngine({ messages, concurrency, batch }: BenchOptions): Promise<BenchResult> {
    const dir = mkdtempSync(path.join(tmpdir(), "queuestack-bench-"));
    const db = openDatabase(path.join(dir, "bench.db"));
    const engine = new QueueEngine(db, [
        { name: "bench", fifo: false, maxReceiveCount: 5, visibilityTimeoutSeconds: 60, retentionSeconds: 86_400, deadLetterRetentionSeconds: 86_400 },
    ]);
    const store = new SqliteWorkerStore(db, engine.owner);
    const logger = createLogger({ name: "queuestack-local", destination: pino.destination({ dest: "/dev/null", sync: true }) });
    const latency = latencyTracker();
    let done = 0;
    let finished: () => void = () => undefined;
    const allDone = new Promise<void>((resolve) => (finished = resolve));
    const pool = new WorkerPool({
        name: "bench",
        queue: "bench",
        engine,
        concurrency,
        logger,
        jobs: store,
        processor: createProcessor({
            worker: defineWorker<{ i: number }>({ handle: (message) => void latency.done(message.id) }),
            settings: { idempotency: { enabled: true, key: "body.i", ttlSeconds: 86_400 }, resultTtlSeconds: 30 * 86_400, timeoutSeconds: 30 },
            store,
            logger: logger.child({ worker: "bench" }),
            scope: "bench",
        }),
        onSettled: () => {
            if (++done === messages) finished();
        },
    });
    try {
        pool.start();
        const writtenBefore = diskWrites();
        const started = Date.now();
        for (let sent = 0; sent < messages; sent += batch) {
            const count = Math.min(batch, messages - sent);
            const at = Date.now();
            const results = await engine.group.run(() => engine.sendBatch("bench", Array.from({ length: count }, (_, i) => ({ body: JSON.stringify({ i: sent + i }) }))));
            for (const { id } of results) latency.sent(id, at);
        }
        await allDone;
        // Stopping flushes the last acknowledgements and commits them.
        if ((await pool.stop(0)) !== 0) throw new Error("the pool returned messages it had received after the last was done");
        const seconds = (Date.now() - started) / 1000;
        const left = engine.stats("bench");
        if (left.visible + left.inFlight + left.delayed !== 0) throw new Error(`the local engine left messages behind: ${JSON.stringify(left)}`);
        return { messages, seconds, perSecond: messages / seconds, p99Ms: latency.p99(), p50Ms: latency.p50(), diskBytes: diskWrites() - writtenBefore };
    } finally {
        await pool.stop(0);
        db.close();
        rmSync(dir, { recursive: true, force: true });
    }
}
