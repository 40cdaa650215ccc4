import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import pino from "pino";
import { SqliteWorkerStore } from "../../local/datastore";
import { startLocalTracing } from "../../local/tracing/local-tracing";
import { openDatabase } from "../../local/engine/database";
import { QueueEngine, timeOrderedId } from "../../local/engine/queue-engine";
import { WorkerPool } from "../../local/worker-pool";
import { createLogger, createProcessor, defineWorker } from "../../workers/runtime";
import { messagingSystems, tracePublish } from "../../workers/runtime/tracing";
import type { BenchOptions, BenchResult } from "./measure";
import { diskWrites, latencyTracker } from "./measure";

/**
 * The local engine end to end as `npm start` runs it: durable batch sends (each resolves after its
 * commit), the worker pool running a no-op handler through the runtime's processor with the
 * idempotency guard (claim, then complete: key body.i, kept 24 h) and job records in the same
 * SQLite file, and the runner's JSON log lines (written synchronously, to /dev/null). Done when
 * every message is acknowledged and the queue is empty on disk. With `traced`, as `npm start --
 * --trace` runs it: a send span per message (its trace context in the message's attributes), a
 * process and a settle span per attempt, all stored in the same SQLite file (bench/tracing).
 */
export async function benchLocalEngine({ messages, concurrency, batch, traced = false }: BenchOptions & { traced?: boolean }): Promise<BenchResult> {
    const dir = mkdtempSync(path.join(tmpdir(), "queuestack-bench-"));
    const db = openDatabase(path.join(dir, "bench.db"));
    const engine = new QueueEngine(db, [
        { name: "bench", fifo: false, maxReceiveCount: 5, visibilityTimeoutSeconds: 60, retentionSeconds: 86_400, deadLetterRetentionSeconds: 86_400 },
    ]);
    const store = new SqliteWorkerStore(db, engine.owner);
    const traces = traced ? startLocalTracing({ db, group: engine.group, serviceName: "bench", retentionSeconds: 86_400, env: {} }) : undefined;
    const destination = { system: messagingSystems.local, queue: "bench" };
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
            messagingSystem: messagingSystems.local,
        }),
        onSettled: () => {
            if (++done === messages) finished();
        },
    });
    try {
        pool.start();
        const writtenBefore = diskWrites();
        const cpu = process.cpuUsage();
        const started = Date.now();
        for (let sent = 0; sent < messages; sent += batch) {
            const at = Date.now();
            const copies = Array.from({ length: Math.min(batch, messages - sent) }, (_, i) => ({ id: timeOrderedId(at), body: JSON.stringify({ i: sent + i }), attributes: {} as Record<string, string> }));
            const send = () => engine.group.run(() => engine.sendBatch("bench", copies));
            await (traces ? tracePublish(copies.map((c) => ({ ...destination, id: c.id, attributes: c.attributes })), send) : send());
            for (const { id } of copies) latency.sent(id, at);
        }
        await allDone;
        // Stopping flushes the last acknowledgements and commits them.
        if ((await pool.stop(0)) !== 0) throw new Error("the pool returned messages it had received after the last was done");
        const seconds = (Date.now() - started) / 1000;
        // The spans of the timed messages are stored within the measured CPU time.
        await traces?.tracing?.flush();
        const used = process.cpuUsage(cpu);
        const left = engine.stats("bench");
        if (left.visible + left.inFlight + left.delayed !== 0) throw new Error(`the local engine left messages behind: ${JSON.stringify(left)}`);
        return { messages, seconds, perSecond: messages / seconds, p99Ms: latency.p99(), p50Ms: latency.p50(), diskBytes: diskWrites() - writtenBefore, cpuMs: (used.user + used.system) / 1000 };
    } finally {
        await pool.stop(0);
        await traces?.tracing?.shutdown();
        db.close();
        rmSync(dir, { recursive: true, force: true });
    }
}
