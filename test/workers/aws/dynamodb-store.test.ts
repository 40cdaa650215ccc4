import { strict as assert } from "node:assert";
import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDbWorkerStore } from "../../../workers/aws/dynamodb-store";
import { ManualClock } from "../helpers/clock";
import { createTable, useMoto } from "../helpers/moto";
import { workerStoreContract } from "../helpers/store-contract";

const tableName = "portfolio-store";

describe("aws: DynamoDbWorkerStore on moto DynamoDB", () => {
    const moto = useMoto();
    before(async () => createTable(moto(), tableName));

    describe("meets the WorkerStore contract", () => {
        workerStoreContract((now) => new DynamoDbWorkerStore({ client: moto().dynamodb, tableName, now }));
    });

    it("writes expiresAt in epoch seconds under pk idempotency#<key>", async () => {
        const clock = new ManualClock();
        const store = new DynamoDbWorkerStore({ client: moto().dynamodb, tableName, now: clock.now });
        await store.claim("scrape#ttl", 45);
        const { Item } = await moto().dynamodb.send(new GetItemCommand({ TableName: tableName, Key: { pk: { S: "idempotency#scrape#ttl" } } }));
        assert.equal(Item?.expiresAt?.N, String(Math.floor(clock.now().getTime() / 1000) + 45));
        assert.equal(Item?.state?.S, "in-progress");
    });

    it("ignores an expired job record that DynamoDB's TTL has not deleted yet", async () => {
        const clock = new ManualClock();
        const store = new DynamoDbWorkerStore({ client: moto().dynamodb, tableName, now: clock.now });
        await store.putJob("m-expired", { status: "done", result: 1, at: clock.now() }, 60);
        clock.advanceSeconds(60);
        assert.equal(await store.getJob("m-expired"), undefined);
        const { Item } = await moto().dynamodb.send(new GetItemCommand({ TableName: tableName, Key: { pk: { S: "job#m-expired" } } }));
        assert.equal(Item?.status?.S, "done", "the item is still in the table");
    });
});
