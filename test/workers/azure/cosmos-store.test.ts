import { strict as assert } from "node:assert";
import { CosmosWorkerStore } from "../../../workers/azure/cosmos-store";
import { ManualClock } from "../helpers/clock";
import { workerStoreContract } from "../helpers/store-contract";
import { CosmosContainerFake } from "./cosmos-fake";

describe("azure: CosmosWorkerStore on the Cosmos DB container fake", () => {
    describe("meets the WorkerStore contract", () => {
        workerStoreContract((now) => new CosmosWorkerStore({ container: new CosmosContainerFake({ defaultTtlSeconds: 30 * 86_400, now }), now }));
    });

    it("claims with one create (409 decides a race) and hashes keys Cosmos DB refuses as ids", async () => {
        const clock = new ManualClock();
        const container = new CosmosContainerFake({ defaultTtlSeconds: 86_400, now: clock.now });
        const store = new CosmosWorkerStore({ container, now: clock.now });
        const key = "scrape#https://example.com/a?b=1";
        const [first, second] = await Promise.all([store.claim(key, 30), store.claim(key, 30)]);
        assert.deepEqual([first.status, second.status].sort(), ["claimed", "in-progress"]);
        assert.equal(container.requests.create, 2);
        assert.equal(container.requests.replace, 0);
        assert.equal(container.visibleCount(), 1);
    });

    it("lets Cosmos DB expire items by their per-item ttl: a lease item is gone after its lease", async () => {
        const clock = new ManualClock();
        const container = new CosmosContainerFake({ defaultTtlSeconds: 86_400, now: clock.now });
        const store = new CosmosWorkerStore({ container, now: clock.now });
        await store.claim("q#lease", 30);
        await store.putJob("m-1", { status: "retrying", reason: "timeout", attempt: 1, at: clock.now() }, 3600);
        assert.equal(container.visibleCount(), 2);
        clock.advanceSeconds(30);
        assert.equal(container.visibleCount(), 1, "the lease item's ttl (30 s) has passed; the job record (1 h) stays");
        clock.advanceSeconds(3570);
        assert.equal(container.visibleCount(), 0);
    });
});
