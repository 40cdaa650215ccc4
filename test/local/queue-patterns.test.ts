import { strict as assert } from "node:assert";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import Database from "better-sqlite3";
import { FileBlobStore } from "../../local/blobs/file-blob-store";
import { openDatabase, type LocalDatabase } from "../../local/engine/database";
import { Promoter } from "../../local/engine/promoter";
import { QueueEngine } from "../../local/engine/queue-engine";
import { LocalQueueError, type LocalQueueConfig } from "../../local/engine/types";
import { BlobNotFoundError } from "../../workers/runtime";
import { capturedLogger } from "../workers/helpers/capture-logs";

/** A clock the tests move by hand, in milliseconds. */
class Clock {
    time = Date.parse("2026-01-01T00:00:00Z");
    now = () => this.time;
    advance(seconds: number) {
        this.time += seconds * 1000;
    }
}

const level = (name: string): LocalQueueConfig => ({ name, fifo: false, maxReceiveCount: 5, visibilityTimeoutSeconds: 30, retentionSeconds: 40 * 86_400, deadLetterRetentionSeconds: 50 * 86_400 });
const levels = ["jobs-high", "jobs-normal", "jobs-low"];

describe("local queue engine: queue patterns", () => {
    let dir: string;
    let db: LocalDatabase;
    let clock: Clock;
    let engine: QueueEngine;
    let promoter: Promoter;

    beforeEach(() => {
        dir = mkdtempSync(path.join(tmpdir(), "queuestack-patterns-"));
        db = openDatabase(path.join(dir, "queue.db"));
        clock = new Clock();
        engine = new QueueEngine(db, [...levels.map(level), { ...level("orders"), fifo: true, deduplication: "content" }], { now: clock.now, owner: "run-1" });
        promoter = new Promoter({ engine, levels, promoteAfterSeconds: 30, logger: capturedLogger().logger });
    });
    afterEach(() => {
        engine.group.flush();
        db.close();
        rmSync(dir, { recursive: true, force: true });
    });

    it("promotes a message past the bound one level per pass, keeping its id, body, attributes, enqueue time and receive count", () => {
        const old = engine.send("jobs-low", '{"n":1}', { attributes: { "queuestack-correlation-id": "c-1" } });
        const sentAt = clock.time;
        const failed = engine.receive("jobs-low", 1)[0];
        assert.equal(engine.release(failed.receipt, "Error: flaky", 0), "retry");
        clock.advance(10);
        const young = engine.send("jobs-low", '{"n":2}');

        clock.advance(19.999);
        assert.equal(promoter.promoteDue(), 0, "29.999 s is inside the bound");
        clock.advance(0.001);
        assert.equal(promoter.promoteDue(), 1);
        assert.deepEqual(levels.map((q) => engine.stats(q).visible), [0, 1, 1]);
        assert.equal(promoter.promoteDue(), 1, "still past the bound by its original enqueue time: one more level up");
        assert.deepEqual(levels.map((q) => engine.stats(q).visible), [1, 0, 1]);
        assert.equal(promoter.promoteDue(), 0, "the top level is as high as it goes");

        const [top, ...rest] = engine.receive("jobs-high", 10);
        assert.equal(rest.length, 0);
        assert.deepEqual(
            { id: top.id, queue: top.queue, body: top.body, attributes: top.attributes, attempt: top.attempt, enqueuedAt: top.enqueuedAt.getTime() },
            { id: old.id, queue: "jobs-high", body: '{"n":1}', attributes: { "queuestack-correlation-id": "c-1" }, attempt: 2, enqueuedAt: sentAt },
        );
        assert.deepEqual(engine.receive("jobs-low", 10).map((d) => d.id), [young.id]);
    });

    it("never promotes a message in flight, waiting out a retry backoff, or still delayed", () => {
        engine.send("jobs-low", "1");
        const inFlight = engine.receive("jobs-low", 1)[0];
        engine.send("jobs-low", "2");
        const backingOff = engine.receive("jobs-low", 1)[0];
        engine.release(backingOff.receipt, "Error: busy", 100);
        engine.send("jobs-low", "3", { delaySeconds: 60 });
        clock.advance(29);
        assert.equal(engine.changeVisibility(inFlight.receipt, 100), true);
        clock.advance(1);
        assert.equal(promoter.promoteDue(), 0);
        clock.advance(59);
        assert.equal(promoter.promoteDue(), 0, "the delayed message has waited 29 s since it became due");
        clock.advance(1);
        assert.equal(promoter.promoteDue(), 1, "the delayed message is past the bound");
        clock.advance(10);
        assert.equal(promoter.promoteDue(), 2, "the backoff has ended (and the delayed message climbs on)");
        clock.advance(29);
        assert.equal(promoter.promoteDue(), 2, "the in-flight message's visibility timeout has ended");
        assert.deepEqual(levels.map((q) => engine.receive(q, 10).map((d) => d.body)), [["2", "3"], ["1"], []]);
    });

    it("a promoted message keeps its place ahead of newer work on the level above, and dead-letters into its new level's DLQ", () => {
        engine.send("jobs-normal", '"waiting"');
        clock.advance(30);
        engine.send("jobs-high", '"new high"');
        promoter.promoteDue();
        const first = engine.receive("jobs-high", 1)[0];
        assert.equal(first.body, '"waiting"');
        engine.deadLetter(first.receipt, "PermanentError: bad input");
        assert.deepEqual(engine.deadLetters.list("jobs-high").map((d) => [d.body, d.reason]), [['"waiting"', "PermanentError: bad input"]]);
        assert.equal(engine.deadLetters.depth("jobs-normal"), 0);
    });

    it("holds a message for a 30-day delay natively and counts no backlog age while it waits", () => {
        engine.send("jobs-low", '"later"', { delaySeconds: 2_592_000 });
        clock.advance(2_591_999);
        assert.deepEqual(engine.receive("jobs-low", 1), []);
        assert.deepEqual(engine.stats("jobs-low"), { queue: "jobs-low", visible: 0, inFlight: 0, delayed: 1, oldestAgeSeconds: 0, deadLetters: 0 });
        clock.advance(1);
        assert.equal(engine.receive("jobs-low", 1)[0].body, '"later"');
    });

    it("fan-out: sendMany stores one copy per queue in one transaction, or none when one copy is refused", () => {
        assert.throws(
            () => engine.sendMany([{ queue: "jobs-low", body: "{}" }, { queue: "orders", body: "{}" }]),
            new LocalQueueError('Queue "orders" is FIFO: every message needs a group key.'),
        );
        assert.deepEqual([engine.stats("jobs-low").visible, engine.stats("orders").visible], [0, 0]);
        const copies = engine.sendMany([{ queue: "jobs-low", body: '{"e":1}' }, { queue: "orders", body: '{"e":1}', groupKey: "g" }]);
        assert.equal(new Set(copies.map((c) => c.id)).size, 2);
        assert.deepEqual([engine.receive("jobs-low", 5).map((d) => d.body), engine.receive("orders", 5).map((d) => d.body)], [['{"e":1}'], ['{"e":1}']]);
    });

    it("brings a database file from before enqueue times up to date: old rows count from their send time", () => {
        const file = path.join(dir, "old.db");
        const old = new Database(file);
        old.exec(`CREATE TABLE messages (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, queue TEXT NOT NULL, body TEXT NOT NULL,
            attributes TEXT NOT NULL, group_key TEXT, deduplication_id TEXT, sent_at INTEGER NOT NULL, visible_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL, receive_count INTEGER NOT NULL DEFAULT 0, receipt TEXT, owner TEXT, last_error TEXT)`);
        old.prepare("INSERT INTO messages (id, queue, body, attributes, sent_at, visible_at, expires_at) VALUES ('m1', 'jobs-low', '1', '{}', ?, ?, ?)")
            .run(clock.time - 31_000, clock.time - 31_000, clock.time + 86_400_000);
        old.close();
        const reopened = openDatabase(file);
        try {
            const upgraded = new QueueEngine(reopened, levels.map(level), { now: clock.now });
            assert.equal(upgraded.stats("jobs-low").oldestAgeSeconds, 31);
            assert.equal(new Promoter({ engine: upgraded, levels, promoteAfterSeconds: 30, logger: capturedLogger().logger }).promoteDue(), 1);
            upgraded.group.flush();
        } finally {
            reopened.close();
        }
    });
});

describe("local claim-check store (files)", () => {
    let dir: string;
    let clock: Clock;
    let store: FileBlobStore;

    beforeEach(() => {
        dir = mkdtempSync(path.join(tmpdir(), "queuestack-blobs-"));
        clock = new Clock();
        store = new FileBlobStore(path.join(dir, "blobs"), clock.now);
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it("stores and returns a body byte for byte, and keeps every key inside its folder", async () => {
        const body = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256));
        await store.put("jobs/../../escape", body);
        assert.deepEqual(await store.get("jobs/../../escape"), body);
        assert.deepEqual(readdirSync(store.dir), ["jobs%2F%2E%2E%2F%2E%2E%2Fescape"]);
        assert.equal(existsSync(path.join(dir, "escape")), false);
    });

    it("answers a missing key with the runtime's BlobNotFoundError (the message is dead-lettered, not retried)", async () => {
        await assert.rejects(store.get("jobs/none"), new BlobNotFoundError("jobs/none"));
    });

    it("purges bodies stored more than expireDays ago, and only those", async () => {
        await store.put("old", Buffer.from("a"));
        clock.advance(86_400);
        await store.put("new", Buffer.from("b"));
        clock.advance(2 * 86_400 - 1);
        assert.equal(store.purgeExpired(3), 0);
        clock.advance(1);
        assert.equal(store.purgeExpired(3), 1);
        assert.deepEqual(readdirSync(store.dir), ["new"]);
        await assert.rejects(store.get("old"), new BlobNotFoundError("old"));
    });
});
