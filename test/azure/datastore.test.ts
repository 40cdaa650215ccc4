import { strict as assert } from "node:assert";
import { Datastore } from "../../components/azure/datastore";
import { runOffline, valueOf } from "../../components/testing/offline";
import { one } from "../helpers/resources";

const where = { namePrefix: ["shop", "dev"], resourceGroupName: "shop-dev", location: "westeurope", uniqueScope: "/subscriptions/1/resourceGroups/shop-dev" };

describe("azure Datastore", () => {
    it("creates a serverless Cosmos DB account reachable with Entra ID only, with continuous backup", async () => {
        const { resources } = await runOffline(() => new Datastore("data", { ...where, datastore: { ttlDays: 7 } }));
        const account = one(resources, "azure-native:cosmosdb:DatabaseAccount");
        assert.equal(account.parentType, "queuestack:azure:Datastore");
        assert.deepEqual(account.inputs.capabilities, [{ name: "EnableServerless" }]);
        assert.equal(account.inputs.disableLocalAuth, true);
        assert.equal(account.inputs.disableKeyBasedMetadataWriteAccess, true);
        assert.equal(account.inputs.minimalTlsVersion, "Tls12");
        assert.deepEqual(account.inputs.locations, [{ locationName: "westeurope", failoverPriority: 0 }]);
        assert.deepEqual(account.inputs.backupPolicy, { type: "Continuous", continuousModeProperties: { tier: "Continuous7Days" } });
        assert.match(account.inputs.accountName as string, /^shop-dev-db-[0-9a-f]{6}$/);
    });

    it("creates the container with a hash partition key and a TTL of ttlDays", async () => {
        const { result, resources } = await runOffline(() => new Datastore("data", { ...where, datastore: { ttlDays: 7 } }));
        const container = one(resources, "azure-native:cosmosdb:SqlResourceSqlContainer");
        assert.deepEqual(container.inputs.resource, { id: "shop-dev-results", partitionKey: { paths: ["/pk"], kind: "Hash", version: 2 }, defaultTtl: 7 * 86_400 });
        assert.equal(one(resources, "azure-native:cosmosdb:SqlResourceSqlDatabase").inputs.databaseName, "shop-dev-db");
        assert.equal(await valueOf(result.containerName), "shop-dev-results");
        assert.match(await valueOf(result.containerScope), /\/dbs\/shop-dev-db\/colls\/shop-dev-results$/);
    });

    it("falls back to periodic backup when point-in-time recovery is off", async () => {
        const { resources } = await runOffline(() => new Datastore("data", { ...where, datastore: { pointInTimeRecovery: false } }));
        assert.deepEqual(one(resources, "azure-native:cosmosdb:DatabaseAccount").inputs.backupPolicy, { type: "Periodic" });
        assert.equal((one(resources, "azure-native:cosmosdb:SqlResourceSqlContainer").inputs.resource as { defaultTtl: number }).defaultTtl, 30 * 86_400);
    });
});
