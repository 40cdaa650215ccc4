import { strict as assert } from "node:assert";
import type { Outcome, RawMessage } from "../../workers/runtime";
import { openDatabase, type LocalDatabase } from "../../local/engine/database";
import { QueueEngine } from "../../local/engine/queue-engine";
import type { LocalQueueConfig } from "../../local/engine/types";
import { WorkerPool, type Settled } from "../../local/worker-pool";
import { capturedLogger } from "../workers/helpers/capture-logs";
import { waitFor } from "./helpers";

const queue: LocalQueueConfig = { name: "q", fifo: false, maxReceiveCount: 3, visibilityTimeoutSeconds: 1, retentionSeconds: 3600, deadLetterRetentionSeconds: 7200 };

describe("local worker pool", function () {
    this.timeout(10_000);
    let db: LocalDatabase;
    let engine: QueueEngine;
    let pool: WorkerPool | undefined;

    beforeEach(() => {
        db = openDatabase(":memory:");
        engine = new QueueEngine(db, [queue, { ...queue, name: "ordered", fifo: true }]);
    });
    afterEach(async () => {
        await pool?.stop(0);
        pool = undefined;
        db.close();
    });

    const startPool = (queueName: string, processor: (message: RawMessage) => Promise<Outcome>, concurrency = 4) => {
        const settled: Settled[] = [];
        pool = new WorkerPool({ name: "w", queue: queueName, engine, processor, concurrency, logger: capturedLogger().logger, retryBaseSeconds: 0.05, pollIntervalMs: 20, onSettled: (s) => settled.push(s) });
        pool.start();
        return settled;
    };

    it("keeps work that outlives the visibility timeout invisible (heartbeat): one delivery, no redelivery", async () => {
        const runs: number[] = [];
        const settled = startPool("q", async (message) => {
            runs.push(message.attempt);
            await new Promise((resolve) => setTimeout(resolve, 2500));
            return { kind: "done", result: null };
        });
        engine.send("q", "{}");
        await waitFor("the slow message to finish", () => (settled.length === 1 ? true : undefined), 6000);
        assert.deepEqual(runs, [1]);
        assert.deepEqual(settled.map((s) => [s.outcome, s.disposition]), [["done", "deleted"]]);
        await waitFor("the delete to commit", () => (engine.stats("q").inFlight === 0 ? true : undefined));
        assert.deepEqual(engine.stats("q"), { queue: "q", visible: 0, inFlight: 0, delayed: 0, oldestAgeSeconds: 0, deadLetters: 0 });
    });

    it("retries with backoff until maxReceiveCount, then the message is in the DLQ with the last reason", async () => {
        const settled = startPool("q", async (message) => ({ kind: "retry", reason: `Error: attempt ${message.attempt}` }));
        engine.send("q", "{}");
        await waitFor("three attempts", () => (settled.length === 3 ? true : undefined));
        assert.deepEqual(settled.map((s) => s.disposition), ["retry", "retry", "dead-letter"]);
        assert.deepEqual(engine.deadLetters.list("q").map((d) => [d.reason, d.receiveCount]), [["Error: attempt 3", 3]]);
    });

    it("runs a FIFO group one message at a time, in order, while other groups run beside it", async () => {
        const order: string[] = [];
        let running = 0;
        let most = 0;
        const settled = startPool("ordered", async (message) => {
            running++;
            most = Math.max(most, running);
            order.push(message.body);
            await new Promise((resolve) => setTimeout(resolve, 30));
            running--;
            return { kind: "done", result: null };
        });
        for (const body of ["a1", "b1", "a2", "b2", "a3"]) engine.send("ordered", body, { groupKey: body[0] });
        await waitFor("all five", () => (settled.length === 5 ? true : undefined));
        assert.deepEqual(order.filter((b) => b.startsWith("a")), ["a1", "a2", "a3"]);
        assert.deepEqual(order.filter((b) => b.startsWith("b")), ["b1", "b2"]);
        assert.equal(most, 2, "one message per group at a time, two groups side by side");
    });
});
