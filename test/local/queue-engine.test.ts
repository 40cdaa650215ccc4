import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { openDatabase, type LocalDatabase } from "../../local/engine/database";
import { QueueEngine } from "../../local/engine/queue-engine";
import { LocalQueueError, type LocalQueueConfig } from "../../local/engine/types";

/** A clock the tests move by hand, in milliseconds. */
class Clock {
    time = Date.parse("2026-01-01T00:00:00Z");
    now = () => this.time;
    advance(seconds: number) {
        this.time += seconds * 1000;
    }
}

const standard: LocalQueueConfig = {
    name: "work",
    fifo: false,
    maxReceiveCount: 3,
    visibilityTimeoutSeconds: 30,
    retentionSeconds: 3600,
    deadLetterRetentionSeconds: 7200,
};
const ordered: LocalQueueConfig = { ...standard, name: "ordered", fifo: true, deduplication: "content" };
const byId: LocalQueueConfig = { ...standard, name: "byid", deduplication: "messageId", deduplicationWindowSeconds: 60 };

describe("local queue engine (SQLite)", () => {
    let dir: string;
    let db: LocalDatabase;
    let clock: Clock;
    let engine: QueueEngine;

    beforeEach(() => {
        dir = mkdtempSync(path.join(tmpdir(), "queuestack-engine-"));
        db = openDatabase(path.join(dir, "queue.db"));
        clock = new Clock();
        engine = new QueueEngine(db, [standard, ordered, byId], { now: clock.now, owner: "run-1" });
    });
    afterEach(() => {
        db.close();
        rmSync(dir, { recursive: true, force: true });
    });

    it("opens the file in WAL mode with synchronous (FULL) commits", () => {
        assert.equal(db.pragma("journal_mode", { simple: true }), "wal");
        assert.equal(db.pragma("synchronous", { simple: true }), 2);
    });

    it("delivers a message with its body, attributes and first attempt, hides it while in flight, and deletes it", () => {
        const { id, duplicate } = engine.send("work", '{"url":"https://a"}', { attributes: { source: "test" } });
        assert.equal(duplicate, false);
        const [delivery, ...rest] = engine.receive("work", 10);
        assert.equal(rest.length, 0);
        assert.deepEqual(
            { id: delivery.id, body: delivery.body, attributes: delivery.attributes, attempt: delivery.attempt, enqueuedAt: delivery.enqueuedAt.getTime() },
            { id, body: '{"url":"https://a"}', attributes: { source: "test" }, attempt: 1, enqueuedAt: clock.time },
        );
        assert.equal(delivery.groupKey, undefined);
        assert.deepEqual(engine.receive("work", 10), []);
        assert.deepEqual(engine.stats("work"), { queue: "work", visible: 0, inFlight: 1, delayed: 0, oldestAgeSeconds: 0, deadLetters: 0 });
        assert.equal(engine.delete([delivery.receipt]), 1);
        clock.advance(31);
        assert.deepEqual(engine.receive("work", 10), []);
        assert.deepEqual(engine.stats("work"), { queue: "work", visible: 0, inFlight: 0, delayed: 0, oldestAgeSeconds: 0, deadLetters: 0 });
    });

    it("redelivers after the visibility timeout with attempt 2; the old receipt no longer deletes", () => {
        engine.send("work", "{}");
        const first = engine.receive("work", 1)[0];
        clock.advance(29);
        assert.equal(engine.receive("work", 1).length, 0);
        clock.advance(1);
        const second = engine.receive("work", 1)[0];
        assert.equal(second.id, first.id);
        assert.equal(second.attempt, 2);
        assert.equal(engine.delete([first.receipt]), 0);
        assert.equal(engine.delete([second.receipt]), 1);
    });

    it("changes visibility: extends a running message, or shows it at once with 0", () => {
        engine.send("work", "{}");
        const delivery = engine.receive("work", 1)[0];
        clock.advance(20);
        assert.equal(engine.changeVisibility(delivery.receipt, 30), true);
        clock.advance(20);
        assert.equal(engine.receive("work", 1).length, 0, "extended to 50 s after receive");
        assert.equal(engine.changeVisibility(delivery.receipt, 0), true);
        assert.equal(engine.receive("work", 1)[0].attempt, 2);
        assert.equal(engine.changeVisibility("no-such-receipt", 0), false);
    });

    it("holds a delayed message back until its delay has passed", () => {
        engine.send("work", "{}", { delaySeconds: 10 });
        assert.equal(engine.receive("work", 1).length, 0);
        assert.equal(engine.stats("work").delayed, 1);
        clock.advance(10);
        assert.equal(engine.receive("work", 1).length, 1);
    });

    it("dead-letters a message received maxReceiveCount times without a delete, keeping body, attributes and the last error", () => {
        const { id } = engine.send("work", '{"n":1}', { attributes: { tenant: "t1" } });
        for (let attempt = 1; attempt <= 3; attempt++) {
            const [delivery] = engine.receive("work", 1);
            assert.equal(delivery.attempt, attempt);
            if (attempt === 2) engine.release(delivery.receipt, "Error: boom", 0);
            clock.advance(30);
        }
        assert.deepEqual(engine.receive("work", 1), []);
        const dead = engine.deadLetters.list("work");
        assert.equal(dead.length, 1);
        assert.deepEqual(
            { id: dead[0].id, body: dead[0].body, attributes: dead[0].attributes, receiveCount: dead[0].receiveCount, reason: dead[0].reason },
            { id, body: '{"n":1}', attributes: { tenant: "t1" }, receiveCount: 3, reason: "received 3 times without being deleted (maxReceiveCount 3); last error: Error: boom" },
        );
        assert.deepEqual(engine.stats("work"), { queue: "work", visible: 0, inFlight: 0, delayed: 0, oldestAgeSeconds: 0, deadLetters: 1 });
    });

    it("release retries after the given delay, and dead-letters with the failure reason on the last allowed delivery", () => {
        engine.send("work", "{}");
        assert.equal(engine.release(engine.receive("work", 1)[0].receipt, "Error: first", 5), "retry");
        assert.equal(engine.receive("work", 1).length, 0);
        assert.equal(engine.stats("work").delayed, 1);
        clock.advance(5);
        assert.equal(engine.release(engine.receive("work", 1)[0].receipt, "Error: second", 0), "retry");
        const third = engine.receive("work", 1)[0];
        assert.equal(third.attempt, 3);
        assert.equal(engine.release(third.receipt, "Error: third", 0), "dead-letter");
        assert.equal(engine.release(third.receipt, "Error: again", 0), "stale");
        assert.deepEqual(engine.deadLetters.list("work").map((d) => [d.reason, d.receiveCount]), [["Error: third", 3]]);
    });

    it("dead-letters at once when retrying cannot help", () => {
        engine.send("work", "{}");
        const delivery = engine.receive("work", 1)[0];
        assert.equal(engine.deadLetter(delivery.receipt, "PermanentError: not HTML"), true);
        assert.deepEqual(engine.deadLetters.list("work").map((d) => [d.reason, d.receiveCount]), [["PermanentError: not HTML", 1]]);
        assert.equal(engine.stats("work").visible + engine.stats("work").inFlight, 0);
    });

    it("drops messages past retention and dead letters past theirs", () => {
        engine.send("work", '"old"');
        engine.send("work", "{}");
        engine.deadLetter(engine.receive("work", 1)[0].receipt, "bad");
        clock.advance(3600);
        assert.deepEqual(engine.receive("work", 10), [], "expired messages are never delivered");
        assert.deepEqual(engine.sweep(), { expired: 1, deadLettersExpired: 0 });
        assert.equal(engine.stats("work").deadLetters, 1);
        clock.advance(3600);
        assert.deepEqual(engine.sweep(), { expired: 0, deadLettersExpired: 1 });
        assert.equal(engine.stats("work").deadLetters, 0);
    });

    it("FIFO: one message in flight per group, in send order, a failed head blocking its group", () => {
        for (const [group, body] of [["a", "a1"], ["a", "a2"], ["b", "b1"], ["a", "a3"]]) engine.send("ordered", JSON.stringify(body), { groupKey: group });
        const first = engine.receive("ordered", 10);
        assert.deepEqual(first.map((d) => [d.groupKey, d.body]), [["a", '"a1"'], ["b", '"b1"']]);
        assert.deepEqual(engine.receive("ordered", 10), [], "both groups have a message in flight");
        engine.release(first[0].receipt, "Error: retry a1", 0);
        assert.deepEqual(engine.receive("ordered", 10).map((d) => [d.body, d.attempt]), [['"a1"', 2]], "a1 again before a2");
        const a1 = engine.receive("ordered", 10);
        assert.equal(a1.length, 0);
    });

    it("FIFO: deleting the head delivers the next message of its group", () => {
        for (const body of ["x1", "x2", "x3"]) engine.send("ordered", JSON.stringify(body), { groupKey: "x" });
        const seen: string[] = [];
        for (;;) {
            const [delivery] = engine.receive("ordered", 10);
            if (!delivery) break;
            seen.push(delivery.body);
            engine.delete([delivery.receipt]);
        }
        assert.deepEqual(seen, ['"x1"', '"x2"', '"x3"']);
    });

    it("FIFO: a message without a group key is refused with how to fix it", () => {
        assert.throws(() => engine.send("ordered", "{}"), new LocalQueueError('Queue "ordered" is FIFO: every message needs a group key.'));
        assert.equal(engine.stats("ordered").visible, 0);
    });

    it("content deduplication drops the same body within the window and accepts it after", () => {
        const first = engine.send("ordered", '{"same":1}', { groupKey: "g" });
        const repeat = engine.send("ordered", '{"same":1}', { groupKey: "g" });
        assert.deepEqual(repeat, { id: first.id, duplicate: true });
        assert.equal(engine.stats("ordered").visible, 1);
        clock.advance(300);
        assert.equal(engine.send("ordered", '{"same":1}', { groupKey: "g" }).duplicate, false);
        assert.equal(engine.stats("ordered").visible, 2);
    });

    it("messageId deduplication needs the sender's id and honours its window", () => {
        assert.throws(
            () => engine.send("byid", "{}"),
            new LocalQueueError('Queue "byid" deduplicates by messageId: send a deduplication id with every message.'),
        );
        const first = engine.send("byid", '"one"', { deduplicationId: "order-7" });
        assert.deepEqual(engine.send("byid", '"two"', { deduplicationId: "order-7" }), { id: first.id, duplicate: true });
        clock.advance(60);
        assert.equal(engine.send("byid", '"three"', { deduplicationId: "order-7" }).duplicate, false);
        assert.deepEqual(engine.receive("byid", 10).map((d) => [d.body, d.deduplicationId]), [['"one"', "order-7"], ['"three"', "order-7"]]);
    });

    it("an unknown queue is refused with the known names", () => {
        assert.throws(() => engine.send("nope", "{}"), new LocalQueueError('Unknown queue "nope". Known queues: work, ordered, byid.'));
    });

    it("a batch send is one transaction: an invalid message stores none", () => {
        assert.throws(() => engine.sendBatch("ordered", [{ body: "1", groupKey: "g" }, { body: "2" }]), LocalQueueError);
        assert.equal(engine.stats("ordered").visible, 0);
    });

    it("redrives dead letters to their queue with id, body, attributes and a fresh receive count", () => {
        const { id } = engine.send("work", '{"r":1}', { attributes: { k: "v" } });
        engine.send("work", '{"r":2}');
        for (const delivery of engine.receive("work", 10)) engine.deadLetter(delivery.receipt, "bad");
        assert.equal(engine.deadLetters.redrive("work", [id]), 1);
        assert.equal(engine.stats("work").deadLetters, 1);
        const [again] = engine.receive("work", 10);
        assert.deepEqual([again.id, again.body, again.attributes, again.attempt], [id, '{"r":1}', { k: "v" }, 1]);
        assert.equal(engine.deadLetters.redrive("work"), 1);
        assert.equal(engine.stats("work").deadLetters, 0);
    });

    it("returns unfinished messages to the queue at once without counting the delivery", () => {
        engine.send("work", "{}");
        const delivery = engine.receive("work", 1)[0];
        assert.equal(engine.returnToQueue([delivery.receipt]), 1);
        assert.equal(engine.receive("work", 1)[0].attempt, 1);
    });

    it("counts the oldest message's age across visible and in-flight messages", () => {
        engine.send("work", "1");
        clock.advance(40);
        engine.send("work", "2");
        engine.receive("work", 1);
        clock.advance(2);
        assert.deepEqual(engine.stats("work"), { queue: "work", visible: 1, inFlight: 1, delayed: 0, oldestAgeSeconds: 42, deadLetters: 0 });
    });

    it("group commit: concurrent writes share one transaction, resolve once it is on disk, and a failing one rolls back alone", async () => {
        const sends = [1, 2, 3].map((n) => engine.group.run(() => engine.send("work", String(n))));
        const refused = engine.group.run(() => engine.send("ordered", "{}"));
        assert.equal(db.inTransaction, true, "the group stays open until the tick ends");
        await assert.rejects(refused, new LocalQueueError('Queue "ordered" is FIFO: every message needs a group key.'));
        const results = await Promise.all(sends);
        assert.equal(db.inTransaction, false);
        assert.equal(new Set(results.map((r) => r.id)).size, 3);
        const reader = openDatabase(path.join(dir, "queue.db"));
        try {
            assert.deepEqual(reader.prepare("SELECT body FROM messages ORDER BY seq").all(), [{ body: "1" }, { body: "2" }, { body: "3" }]);
        } finally {
            reader.close();
        }
    });

    it("survives a reopen: messages, receive counts and dead letters are on disk; a new run takes back an old run's in-flight messages", () => {
        engine.send("work", '"kept"');
        engine.send("work", '"dead"');
        const [inFlight, dying] = engine.receive("work", 2);
        engine.deadLetter(dying.receipt, "bad");
        db.close();
        db = openDatabase(path.join(dir, "queue.db"));
        const restarted = new QueueEngine(db, [standard, ordered, byId], { now: clock.now, owner: "run-2" });
        assert.equal(restarted.receive("work", 10).length, 0, "still within its visibility timeout");
        assert.equal(restarted.recoverAbandoned(), 1);
        const [again] = restarted.receive("work", 10);
        assert.deepEqual([again.id, again.body, again.attempt], [inFlight.id, '"kept"', 2]);
        assert.equal(restarted.recoverAbandoned(), 0, "its own in-flight messages stay hidden");
        assert.equal(restarted.stats("work").deadLetters, 1);
    });
});
