import { strict as assert } from "node:assert";
import type { WorkerStore } from "../../../workers/runtime";
import { ManualClock } from "./clock";

/**
 * The behaviour every cloud's `WorkerStore` must have (DynamoDB, Cosmos DB, Firestore, memory).
 * Call inside a `describe`; `makeStore` gets the clock the store must read time from, and is
 * called once per test (after the suite's own `before` hooks), with keys unique per test.
 */
export function workerStoreContract(makeStore: (now: () => Date) => WorkerStore | Promise<WorkerStore>): void {
    let clock: ManualClock;
    let store: WorkerStore;
    let key: string;
    let count = 0;
    beforeEach(async () => {
        clock = new ManualClock();
        store = await makeStore(clock.now);
        key = `contract#${Date.now()}-${count++}`;
    });
    const tokenOf = (claim: Awaited<ReturnType<WorkerStore["claim"]>>) => {
        assert.equal(claim.status, "claimed");
        return claim.status === "claimed" ? claim.token : "";
    };

    it("claims a new key once; a second claim sees the live lease and when it ends", async () => {
        tokenOf(await store.claim(key, 30));
        assert.deepEqual(await store.claim(key, 30), { status: "in-progress", leaseExpiresAt: new Date(clock.now().getTime() + 30_000) });
    });

    it("lets a crashed claim be re-claimed once its lease has passed, and not a second before", async () => {
        const crashed = tokenOf(await store.claim(key, 30));
        clock.advanceSeconds(29);
        assert.equal((await store.claim(key, 30)).status, "in-progress");
        clock.advanceSeconds(1);
        assert.notEqual(tokenOf(await store.claim(key, 30)), crashed);
    });

    it("returns the stored result of a completed key until its TTL, then allows a new claim", async () => {
        await store.complete(key, tokenOf(await store.claim(key, 30)), { title: "Hello" }, 3600);
        assert.deepEqual(await store.claim(key, 30), { status: "completed", result: { title: "Hello" }, completedAt: clock.now() });
        clock.advanceSeconds(3600);
        tokenOf(await store.claim(key, 30));
    });

    it("releases only its own claim", async () => {
        const old = tokenOf(await store.claim(key, 10));
        clock.advanceSeconds(10);
        const current = tokenOf(await store.claim(key, 10));
        await store.release(key, old);
        assert.equal((await store.claim(key, 10)).status, "in-progress", "a stale release must not drop the new claim");
        await store.release(key, current);
        tokenOf(await store.claim(key, 10));
    });

    it("stores job records by message id and hides them once expired", async () => {
        const at = new Date("2026-01-01T00:00:05Z");
        await store.putJob(`${key}-job`, { status: "dead-letter", reason: "not HTML", attempt: 2, at }, 60);
        assert.deepEqual(await store.getJob(`${key}-job`), { status: "dead-letter", reason: "not HTML", attempt: 2, at });
        clock.advanceSeconds(60);
        assert.equal(await store.getJob(`${key}-job`), undefined);
        assert.equal(await store.getJob(`${key}-never`), undefined);
    });
}
