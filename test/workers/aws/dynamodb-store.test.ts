import { strict as assert } from "node:assert";
import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDbWorkerStore } from "../../../workers/aws/dynamodb-store";
import { ManualClock } from "../helpers/clock";
import { createTable, useMoto } from "../helpers/moto";

describe("aws: DynamoDbWorkerStore on moto DynamoDB", () => {
    const moto = useMoto();
    const clock = new ManualClock();
    let store: DynamoDbWorkerStore;
    before(async () => {
        await createTable(moto(), "portfolio-store");
        store = new DynamoDbWorkerStore({ client: moto().dynamodb, tableName: "portfolio-store", now: clock.now });
    });

    it("claims a new key once; a second claim sees the live lease", async () => {
        const first = await store.claim("scrape#a", 30);
        assert.equal(first.status, "claimed");
        const second = await store.claim("scrape#a", 30);
        assert.deepEqual(second, { status: "in-progress", leaseExpiresAt: new Date(clock.now().getTime() + 30_000) });
    });

    it("writes expiresAt in epoch seconds", async () => {
        await store.claim("scrape#ttl", 45);
        const { Item } = await moto().dynamodb.send(new GetItemCommand({ TableName: "portfolio-store", Key: { pk: { S: "idempotency#scrape#ttl" } } }));
        assert.equal(Item?.expiresAt?.N, String(Math.floor(clock.now().getTime() / 1000) + 45));
        assert.equal(Item?.state?.S, "in-progress");
    });

    it("lets a crashed claim be re-claimed after its lease, with a new token", async () => {
        const crashed = await store.claim("scrape#b", 30);
        clock.advanceSeconds(29);
        assert.equal((await store.claim("scrape#b", 30)).status, "in-progress");
        clock.advanceSeconds(1);
        const again = await store.claim("scrape#b", 30);
        assert.equal(again.status, "claimed");
        assert.notEqual(again.status === "claimed" && again.token, crashed.status === "claimed" && crashed.token);
    });

    it("returns the stored result for a completed key until its TTL, then allows a new claim", async () => {
        const claim = await store.claim("scrape#c", 30);
        assert.equal(claim.status, "claimed");
        await store.complete("scrape#c", claim.status === "claimed" ? claim.token : "", { title: "Hello" }, 3600);
        assert.deepEqual(await store.claim("scrape#c", 30), { status: "completed", result: { title: "Hello" }, completedAt: clock.now() });
        clock.advanceSeconds(3600);
        assert.equal((await store.claim("scrape#c", 30)).status, "claimed");
    });

    it("releases only its own claim", async () => {
        const old = await store.claim("scrape#d", 10);
        clock.advanceSeconds(10);
        const current = await store.claim("scrape#d", 10);
        await store.release("scrape#d", old.status === "claimed" ? old.token : "");
        assert.equal((await store.claim("scrape#d", 10)).status, "in-progress", "a stale release must not drop the new claim");
        await store.release("scrape#d", current.status === "claimed" ? current.token : "");
        assert.equal((await store.claim("scrape#d", 10)).status, "claimed");
    });

    it("stores job records and hides them once expired, though the item is still in the table", async () => {
        const at = new Date("2026-01-01T00:00:05Z");
        await store.putJob("m-1", { status: "dead-letter", reason: "not HTML", attempt: 2, at }, 60);
        assert.deepEqual(await store.getJob("m-1"), { status: "dead-letter", reason: "not HTML", attempt: 2, at });
        clock.advanceSeconds(60);
        assert.equal(await store.getJob("m-1"), undefined);
        const { Item } = await moto().dynamodb.send(new GetItemCommand({ TableName: "portfolio-store", Key: { pk: { S: "job#m-1" } } }));
        assert.equal(Item?.status?.S, "dead-letter");
    });
});
