import { strict as assert } from "node:assert";
import type { Outcome, RawMessage } from "../../workers/runtime";
import { openDatabase, type LocalDatabase } from "../../local/engine/database";
import { QueueEngine } from "../../local/engine/queue-engine";
import type { Delivery, LocalQueueConfig } from "../../local/engine/types";
import { WorkerPool, type Settled } from "../../local/worker-pool";
import { capturedLogger } from "../workers/helpers/capture-logs";
import { waitFor } from "./helpers";

const base: LocalQueueConfig = { name: "", fifo: false, maxReceiveCount: 5, visibilityTimeoutSeconds: 30, retentionSeconds: 3600, deadLetterRetentionSeconds: 7200 };
const levels = [
    { queue: "jobs-high", weight: 3 },
    { queue: "jobs-normal", weight: 1 },
    { queue: "jobs-low", weight: 1 },
];

/** Lets the event loop turn `n` times: work that interleaves with other messages without any timing. */
const turns = async (n: number) => {
    for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe("local worker pool: priority levels and ordered groups", function () {
    this.timeout(30_000);
    let db: LocalDatabase;
    let engine: QueueEngine;
    let pools: WorkerPool[] = [];

    beforeEach(() => {
        db = openDatabase(":memory:");
        engine = new QueueEngine(db, [
            ...levels.map((l) => ({ ...base, name: l.queue })),
            { ...base, name: "orders", fifo: true, deduplication: "messageId", deduplicationWindowSeconds: 300 },
        ]);
    });
    afterEach(async () => {
        await Promise.all(pools.map((p) => p.stop(0)));
        pools = [];
        db.close();
    });

    const start = (queue: string, processor: (message: RawMessage) => Promise<Outcome>, concurrency: number, withLevels?: typeof levels) => {
        const settled: Settled[] = [];
        const pool = new WorkerPool({
            name: `w${pools.length}`, queue, ...(withLevels ? { levels: withLevels } : {}), engine, processor, concurrency,
            logger: capturedLogger().logger, retryBaseSeconds: 0.01, pollIntervalMs: 10, onSettled: (s) => settled.push(s),
        });
        pools.push(pool);
        pool.start();
        return settled;
    };

    it("claims 3:1:1 while every level has work, then gives the idle share to the levels that still have work", async () => {
        for (const { queue } of levels) engine.sendBatch(queue, Array.from({ length: 30 }, (_, i) => ({ body: String(i) })));
        const taken: string[] = [];
        const settled = start("jobs", async (message) => {
            taken.push((message as Delivery).queue);
            return { kind: "done", result: null };
        }, 1, levels);
        await waitFor("all 90 messages", () => (settled.length === 90 ? true : undefined));
        const cycle = ["jobs-high", "jobs-normal", "jobs-high", "jobs-low", "jobs-high"];
        const expected = [...Array.from({ length: 10 }, () => cycle).flat(), ...Array.from({ length: 20 }, () => ["jobs-normal", "jobs-low"]).flat()];
        assert.deepEqual(taken, expected);
        assert.deepEqual(new Set(settled.map((s) => s.queue)), new Set(["jobs"]), "metrics count the spec queue");
    });

    it("takes everything from a lone level with work, whatever its weight", async () => {
        engine.sendBatch("jobs-low", Array.from({ length: 12 }, (_, i) => ({ body: String(i) })));
        const bodies: string[] = [];
        const settled = start("jobs", async (message) => {
            bodies.push(message.body);
            return { kind: "done", result: null };
        }, 4, levels);
        await waitFor("all 12", () => (settled.length === 12 ? true : undefined));
        assert.deepEqual(bodies.map(Number).sort((a, b) => a - b), Array.from({ length: 12 }, (_, i) => i));
    });

    for (const [poolCount, concurrency] of [[8, 1], [1, 8]] as const) {
        it(`keeps each group in order under 8 concurrent consumers (${poolCount} pool(s) x ${concurrency}), with groups side by side, retries and duplicates dropped`, async () => {
            const groups = ["a", "b", "c", "d", "e", "f"];
            const perGroup = 15;
            const sends = [];
            for (let n = 0; n < perGroup; n++) {
                for (const group of groups) {
                    sends.push(engine.send("orders", JSON.stringify({ group, n }), { groupKey: group, deduplicationId: `${group}-${n}` }));
                    // Every third message is sent twice (a sender's retry): the window drops the copy.
                    if (n % 3 === 0) sends.push(engine.send("orders", JSON.stringify({ group, n }), { groupKey: group, deduplicationId: `${group}-${n}` }));
                }
            }
            assert.equal(sends.filter((s) => s.duplicate).length, groups.length * 5);

            const seen: Record<string, number[]> = Object.fromEntries(groups.map((g) => [g, []]));
            const active = new Set<string>();
            let overlaps = 0;
            let mostGroupsAtOnce = 0;
            let failures = 0;
            const processor = async (message: RawMessage): Promise<Outcome> => {
                const { group, n } = JSON.parse(message.body) as { group: string; n: number };
                if (active.has(group)) overlaps++;
                active.add(group);
                mostGroupsAtOnce = Math.max(mostGroupsAtOnce, active.size);
                await turns(1 + ((n * 7 + group.charCodeAt(0)) % 5));
                active.delete(group);
                // The first attempt of every fifth message fails: its group waits for the retry.
                if (n % 5 === 4 && message.attempt === 1) {
                    failures++;
                    return { kind: "retry", reason: "Error: first attempt fails" };
                }
                seen[group]!.push(n);
                return { kind: "done", result: null };
            };
            const settled = Array.from({ length: poolCount }, () => start("orders", processor, concurrency));
            const total = groups.length * perGroup;
            await waitFor(`all ${total} messages`, () => (Object.values(seen).flat().length === total ? true : undefined));
            await waitFor("the last deletes", () => (engine.stats("orders").inFlight === 0 ? true : undefined));

            for (const group of groups) assert.deepEqual(seen[group], Array.from({ length: perGroup }, (_, n) => n), `group ${group} in send order`);
            assert.equal(overlaps, 0, "never two messages of one group at once");
            assert.equal(failures, groups.length * 3);
            assert.ok(mostGroupsAtOnce > 1, `groups ran side by side (at most ${mostGroupsAtOnce} at once)`);
            assert.equal(settled.flat().length, total + failures);
            if (poolCount > 1) assert.ok(settled.filter((s) => s.length > 0).length > 1, "more than one consumer took work");
            assert.deepEqual(engine.stats("orders"), { queue: "orders", visible: 0, inFlight: 0, delayed: 0, oldestAgeSeconds: 0, deadLetters: 0 });
        });
    }
});
