import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { openDatabase, type LocalDatabase } from "../../local/engine/database";
import { candidatesSql } from "../../local/engine/message-rows";
import { QueueEngine, timeOrderedId } from "../../local/engine/queue-engine";
import type { LocalQueueConfig } from "../../local/engine/types";
import { WorkerPool } from "../../local/worker-pool";
import { capturedLogger } from "../workers/helpers/capture-logs";

const queue: LocalQueueConfig = { name: "q", fifo: false, maxReceiveCount: 3, visibilityTimeoutSeconds: 30, retentionSeconds: 3600, deadLetterRetentionSeconds: 7200 };

describe("local engine: the commit path writes less", () => {
    let dir: string;
    let db: LocalDatabase;
    let engine: QueueEngine;

    beforeEach(() => {
        dir = mkdtempSync(path.join(tmpdir(), "queuestack-commit-path-"));
        db = openDatabase(path.join(dir, "queue.db"));
        engine = new QueueEngine(db, [queue]);
    });
    afterEach(() => {
        db.close();
        rmSync(dir, { recursive: true, force: true });
    });

    it("makes message ids UUID version 7: the send time in the first 48 bits, so later ids sort after earlier ones", () => {
        const id = timeOrderedId(1_700_000_000_000);
        assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        assert.equal(parseInt(id.replace(/-/g, "").slice(0, 12), 16), 1_700_000_000_000);
        const ids = [1, 2, 3, 256, 65_536].map((ms) => timeOrderedId(1_700_000_000_000 + ms));
        assert.deepEqual([...ids].sort(), ids);
        const { id: sent } = engine.send("q", "{}");
        assert.match(sent, /^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    });

    it("keeps no receipt index and no AUTOINCREMENT counter for messages", () => {
        const indexes = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'messages' AND name NOT LIKE 'sqlite_autoindex%' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
        assert.deepEqual(indexes, ["messages_age", "messages_group", "messages_order"]);
        engine.send("q", "{}");
        assert.deepEqual(db.prepare("SELECT name FROM sqlite_sequence WHERE name = 'messages'").all(), []);
    });

    it("indexes FIFO groups only for messages with a group key, and the FIFO head query uses that index", () => {
        const sql = (db.prepare("SELECT sql FROM sqlite_master WHERE name = 'messages_group'").get() as { sql: string }).sql;
        assert.equal(sql, "CREATE INDEX messages_group ON messages (queue, group_key, seq) WHERE group_key IS NOT NULL");
        const plan = (db.prepare(`EXPLAIN QUERY PLAN ${candidatesSql(true)}`).all({ queue: "q", now: 0, limit: 1 }) as { detail: string }[]).map((r) => r.detail);
        assert.ok(plan.includes("SEARCH g USING INDEX messages_group (queue=? AND group_key=?)"), plan.join("\n"));
    });

    it("rebuilds the FIFO group index of an older file as the partial one, keeping its messages", () => {
        const file = path.join(dir, "old.db");
        const old = openDatabase(file);
        old.exec("DROP INDEX messages_group; CREATE INDEX messages_group ON messages (queue, group_key, seq)");
        new QueueEngine(old, [queue]).send("q", "{}");
        old.close();
        const reopened = openDatabase(file);
        try {
            const sql = (reopened.prepare("SELECT sql FROM sqlite_master WHERE name = 'messages_group'").get() as { sql: string }).sql;
            assert.match(sql, /WHERE group_key IS NOT NULL$/);
            assert.equal(new QueueEngine(reopened, [queue]).stats("q").visible, 1);
        } finally {
            reopened.close();
        }
    });

    it("keeps idempotency keys and job records WITHOUT ROWID (one b-tree each), rebuilding an older file's tables with every row", () => {
        const sqlOf = (file: LocalDatabase, name: string) => (file.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) as { sql: string }).sql;
        for (const name of ["idempotency", "jobs"]) assert.match(sqlOf(db, name), /\) WITHOUT ROWID$/, name);
        const file = path.join(dir, "old.db");
        const old = openDatabase(file);
        old.exec(`DROP TABLE idempotency; DROP TABLE jobs;
            CREATE TABLE idempotency (key TEXT PRIMARY KEY, state TEXT NOT NULL, token TEXT NOT NULL, owner TEXT, result TEXT, completed_at INTEGER, completions INTEGER NOT NULL DEFAULT 0, expires_at INTEGER NOT NULL);
            CREATE TABLE jobs (id TEXT PRIMARY KEY, record TEXT NOT NULL, expires_at INTEGER NOT NULL);
            INSERT INTO idempotency VALUES ('k1', 'completed', 't1', NULL, '{"ok":1}', 5, 2, 99), ('k2', 'in-progress', 't2', 'run-a', NULL, NULL, 0, 98);
            INSERT INTO jobs VALUES ('j1', '{"status":"done"}', 97);`);
        old.close();
        const reopened = openDatabase(file);
        try {
            for (const name of ["idempotency", "jobs"]) assert.match(sqlOf(reopened, name), /\) WITHOUT ROWID$/, name);
            assert.deepEqual(reopened.prepare("SELECT * FROM idempotency ORDER BY key").raw().all(), [
                ["k1", "completed", "t1", null, '{"ok":1}', 5, 2, 99],
                ["k2", "in-progress", "t2", "run-a", null, null, 0, 98],
            ]);
            assert.deepEqual(reopened.prepare("SELECT * FROM jobs").raw().all(), [["j1", '{"status":"done"}', 97]]);
            assert.deepEqual(reopened.prepare("SELECT name FROM sqlite_master WHERE name LIKE '%_rebuilt'").all(), []);
        } finally {
            reopened.close();
        }
    });

    it("settles by receipt: a receipt of an earlier delivery, of another row, or not a receipt at all settles nothing", async () => {
        engine.sendBatch("q", [{ body: "a" }, { body: "b" }]);
        const [first, other] = engine.receive("q", 2);
        assert.equal(engine.returnToQueue([first!.receipt]), 1);
        const [again] = engine.receive("q", 1);
        assert.equal(again!.id, first!.id);
        const forged = `${first!.receipt.split(".")[0]}.${other!.receipt.split(".")[1]}`;
        for (const stale of [first!.receipt, forged, "nope", `x.${first!.receipt}`]) {
            assert.equal(engine.delete([stale]), 0, stale);
            assert.equal(engine.changeVisibility(stale, 0), false, stale);
            assert.equal(engine.release(stale, "r", 0), "stale", stale);
            assert.equal(engine.deadLetter(stale, "r"), false, stale);
        }
        assert.equal(engine.delete([again!.receipt, other!.receipt]), 2);
        assert.deepEqual(engine.stats("q"), { queue: "q", visible: 0, inFlight: 0, delayed: 0, oldestAgeSeconds: 0, deadLetters: 0 });
    });

    it("lets workers receive while sends keep arriving every turn: the pool commits them before it claims", async () => {
        const intakeTurns = 200;
        let sent = 0;
        const sentWhenHandled: number[] = [];
        const pool = new WorkerPool({
            name: "w",
            queue: "q",
            engine,
            concurrency: 4,
            logger: capturedLogger().logger,
            pollIntervalMs: 20,
            processor: async () => {
                sentWhenHandled.push(sent);
                return { kind: "done", result: null };
            },
        });
        pool.start();
        // One durable send per turn of the event loop, as a busy front end does: a group is open every turn.
        const acknowledged: Promise<unknown>[] = [];
        for (let turn = 0; turn < intakeTurns; turn++) {
            acknowledged.push(engine.group.run(() => engine.send("q", `{"turn":${turn}}`)));
            sent++;
            await new Promise((resolve) => setImmediate(resolve));
        }
        await Promise.all(acknowledged);
        await pool.stop(5);
        assert.ok(sentWhenHandled.length > 0 && sentWhenHandled[0]! < intakeTurns, `the first message was handled after all ${intakeTurns} sends (handled: ${sentWhenHandled.length})`);
    });
});
