import { strict as assert } from "node:assert";
import { openDatabase, type LocalDatabase } from "../../local/engine/database";
import { SqliteWorkerStore } from "../../local/datastore";
import { workerStoreContract } from "../workers/helpers/store-contract";

describe("local datastore (SQLite): idempotency claims and job records", () => {
    let db: LocalDatabase;
    let time: number;
    let store: SqliteWorkerStore;
    const now = () => time;

    beforeEach(() => {
        db = openDatabase(":memory:");
        time = Date.parse("2026-01-01T00:00:00Z");
        store = new SqliteWorkerStore(db, "run-1", now);
    });
    afterEach(() => db.close());

    it("claims a key once; a second claim sees it in progress until the lease ends", async () => {
        const first = await store.claim("q#a", 10);
        assert.equal(first.status, "claimed");
        assert.deepEqual(await store.claim("q#a", 10), { status: "in-progress", leaseExpiresAt: new Date(time + 10_000) });
        time += 10_000;
        assert.equal((await store.claim("q#a", 10)).status, "claimed", "an expired lease (a crashed holder) can be claimed again");
    });

    it("completes with the result, remembered for the TTL, counted once", async () => {
        const claim = await store.claim("q#a", 10);
        assert.equal(claim.status, "claimed");
        await store.complete("q#a", (claim as { token: string }).token, { title: "T" }, 60);
        assert.deepEqual(await store.claim("q#a", 10), { status: "completed", result: { title: "T" }, completedAt: new Date(time) });
        assert.deepEqual(db.prepare("SELECT completions FROM idempotency").all(), [{ completions: 1 }]);
        time += 60_000;
        assert.equal((await store.claim("q#a", 10)).status, "claimed", "past its TTL the key is new work again");
    });

    it("refuses to complete a claim that another delivery took over, and releases only with the right token", async () => {
        const stale = (await store.claim("q#a", 10)) as { token: string };
        time += 10_000;
        const fresh = (await store.claim("q#a", 10)) as { token: string };
        await assert.rejects(store.complete("q#a", stale.token, null, 60), /the claim on q#a is no longer held by this attempt/);
        await store.release("q#a", stale.token);
        assert.equal((await store.claim("q#a", 10)).status, "in-progress");
        await store.release("q#a", fresh.token);
        assert.equal((await store.claim("q#a", 10)).status, "claimed");
    });

    it("drops the claims of other runs at start, and its own at stop; completed keys stay", async () => {
        const other = new SqliteWorkerStore(db, "run-0", now);
        await other.claim("q#old", 600);
        const done = (await other.claim("q#done", 600)) as { token: string };
        await other.complete("q#done", done.token, 1, 600);
        await store.claim("q#mine", 600);
        assert.equal(store.releaseAbandonedClaims(), 1);
        assert.equal((await store.claim("q#old", 600)).status, "claimed");
        assert.equal((await store.claim("q#done", 600)).status, "completed");
        assert.equal(store.releaseOwnClaims(), 2);
        assert.deepEqual(db.prepare("SELECT key, state FROM idempotency").all(), [{ key: "q#done", state: "completed" }]);
    });

    it("keeps job records until their TTL", async () => {
        await store.putJob("m1", { status: "dead-letter", reason: "bad", attempt: 3, at: new Date(time) }, 30);
        assert.deepEqual(await store.getJob("m1"), { status: "dead-letter", reason: "bad", attempt: 3, at: new Date(time) });
        time += 30_000;
        assert.equal(await store.getJob("m1"), undefined);
        store.sweep();
        assert.deepEqual(db.prepare("SELECT COUNT(*) AS n FROM jobs").get(), { n: 0 });
    });
});

describe("local datastore (SQLite) meets the WorkerStore contract", () => {
    const opened: LocalDatabase[] = [];
    afterEach(() => opened.splice(0).forEach((db) => db.close()));
    workerStoreContract((now) => {
        const db = openDatabase(":memory:");
        opened.push(db);
        return new SqliteWorkerStore(db, "run-1", () => now().getTime());
    });
});
