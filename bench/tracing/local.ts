import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { openDatabase } from "../../local/engine/database";
import { QueueEngine } from "../../local/engine/queue-engine";
import { startLocalTracing } from "../../local/tracing/local-tracing";
import { WorkerPool } from "../../local/worker-pool";
import { createLogger } from "../../workers/runtime";
import { messagingSystems, tracePublish, traceAttempt } from "../../workers/runtime/tracing";

/**
 * The local engine benchmark's workload (durable batch sends, the worker pool at `concurrency`, a
 * no-op handler) with the runtime's spans on every step: a send span per message (its trace context
 * in the message's attributes), a process span per attempt and a settle span. With `traced` the
 * runner's tracer provider records them into the SQLite file; without, the same calls are no-ops.
 * Returns messages per second and the process's CPU milliseconds over the same span (engine, pool
 * and spans all run in this process, so CPU time shows the cost even when a loaded machine hides
 * it from the wall clock), span storage of the timed messages included.
 */
export async function benchLocalTracing(options: { messages: number; concurrency: number; batch: number; traced: boolean }): Promise<{ rate: number; cpuMs: number }> {
    const dir = mkdtempSync(path.join(tmpdir(), "queuestack-bench-tracing-"));
    const db = openDatabase(path.join(dir, "bench.db"));
    const engine = new QueueEngine(db, [
        { name: "bench", fifo: false, maxReceiveCount: 5, visibilityTimeoutSeconds: 60, retentionSeconds: 86_400, deadLetterRetentionSeconds: 86_400 },
    ]);
    const traces = options.traced ? startLocalTracing({ db, group: engine.group, serviceName: "bench", retentionSeconds: 86_400, env: {} }) : undefined;
    const destination = { system: messagingSystems.local, queue: "bench" };
    let done = 0;
    let finished: () => void = () => undefined;
    const allDone = new Promise<void>((resolve) => (finished = resolve));
    const pool = new WorkerPool({
        name: "bench",
        queue: "bench",
        engine,
        concurrency: options.concurrency,
        logger: createLogger({ level: "silent" }),
        processor: (message) => traceAttempt(destination, message, async () => ({ kind: "done", result: null })),
        onSettled: () => {
            if (++done === options.messages) finished();
        },
    });
    try {
        pool.start();
        const cpu = process.cpuUsage();
        const started = Date.now();
        for (let sent = 0; sent < options.messages; sent += options.batch) {
            const count = Math.min(options.batch, options.messages - sent);
            const copies = Array.from({ length: count }, (_, i) => ({ id: `m-${sent + i}`, body: JSON.stringify({ i: sent + i }), attributes: {} as Record<string, string> }));
            await tracePublish(copies.map((c) => ({ ...destination, id: c.id, attributes: c.attributes })), () => engine.group.run(() => engine.sendBatch("bench", copies)));
        }
        await allDone;
        await pool.stop(0);
        const seconds = (Date.now() - started) / 1000;
        await traces?.tracing?.flush();
        const used = process.cpuUsage(cpu);
        return { rate: options.messages / seconds, cpuMs: (used.user + used.system) / 1000 };
    } finally {
        await pool.stop(0);
        await traces?.tracing?.shutdown();
        db.close();
        rmSync(dir, { recursive: true, force: true });
    }
}
