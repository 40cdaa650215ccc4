import { strict as assert } from "node:assert";
import { Queue } from "../../components/azure/queue";
import { ServiceBusNamespace } from "../../components/azure/service-bus";
import { SpecError, formatIssue } from "../../components/spec";
import { runOffline, valueOf } from "../../components/testing/offline";
import { one } from "../helpers/resources";

const where = { namePrefix: ["shop", "dev"], resourceGroupName: "shop-dev", location: "westeurope" };
const queueType = "azure-native:servicebus:Queue";

const planQueue = (queue: ConstructorParameters<typeof Queue>[1]["queue"], lockDurationSeconds?: number) =>
    runOffline(() => new Queue("jobs", { ...where, queue, namespaceName: "shop-dev-bus-123abc", lockDurationSeconds }));

describe("azure Queue", () => {
    it("creates a Service Bus queue that dead-letters after maxReceiveCount and on expiry", async () => {
        const { result, resources } = await planQueue({ name: "jobs", processingTimeSeconds: 20, maxReceiveCount: 7, retentionDays: 4 });
        const queue = one(resources, queueType);
        assert.equal(queue.parentType, "queuestack:azure:Queue");
        assert.equal(queue.name, "jobs-queue");
        assert.deepEqual(queue.inputs, {
            queueName: "shop-dev-jobs",
            namespaceName: "shop-dev-bus-123abc",
            resourceGroupName: "shop-dev",
            lockDuration: "PT2M",
            maxDeliveryCount: 7,
            defaultMessageTimeToLive: "P4D",
            deadLetteringOnMessageExpiration: true,
            requiresSession: false,
            requiresDuplicateDetection: false,
            enableBatchedOperations: true,
        });
        assert.equal(await valueOf(result.deadLetterPath), "shop-dev-jobs/$deadletterqueue");
        assert.equal(result.lockDurationSeconds, 120);
    });

    it("caps the derived lock at 5 minutes (longer work renews the lock)", async () => {
        const { resources } = await planQueue({ name: "jobs", processingTimeSeconds: 900 });
        assert.equal(one(resources, queueType).inputs.lockDuration, "PT5M");
    });

    it("uses the lock duration the stack derives from its workers", async () => {
        const { resources } = await planQueue({ name: "jobs" }, 45);
        assert.equal(one(resources, queueType).inputs.lockDuration, "PT45S");
    });

    it("turns on sessions and duplicate detection (10 minute window) for fifo queues", async () => {
        const { resources } = await planQueue({ name: "jobs", ordering: "fifo" });
        const inputs = one(resources, queueType).inputs;
        assert.equal(inputs.requiresSession, true);
        assert.equal(inputs.requiresDuplicateDetection, true);
        assert.equal(inputs.duplicateDetectionHistoryTimeWindow, "PT10M");
    });

    it("turns on duplicate detection without sessions when only deduplication is asked", async () => {
        const { resources } = await planQueue({ name: "jobs", deduplication: "messageId" });
        const inputs = one(resources, queueType).inputs;
        assert.equal(inputs.requiresSession, false);
        assert.equal(inputs.requiresDuplicateDetection, true);
    });

    it("content deduplication keeps duplicate detection on with its 10 minute window: the front end's content-hash ids key it", async () => {
        const { resources } = await planQueue({ name: "jobs", deduplication: "content" });
        const inputs = one(resources, queueType).inputs;
        assert.deepEqual([inputs.requiresSession, inputs.requiresDuplicateDetection, inputs.duplicateDetectionHistoryTimeWindow], [false, true, "PT10M"]);
    });

    it("rejects a queue spec over Azure's limits before creating anything", async () => {
        let created: number | undefined;
        await assert.rejects(
            async () => {
                created = (await planQueue({ name: "jobs", visibilityTimeoutSeconds: 600, retentionDays: 400 })).resources.length;
            },
            (error: SpecError) => {
                assert.deepEqual(error.issues.map(formatIssue), [
                    "retentionDays: must be at most 365 (got 400). Lower it to 365 or less.",
                    "visibilityTimeoutSeconds: must be at most 300 on azure (got 600). Service Bus locks last at most 5 minutes; the worker renews its lock for longer work, so lower it to 300 or less.",
                ]);
                assert.match(error.message, /^Invalid queue "jobs" \(2 problems\)/);
                return true;
            },
        );
        assert.equal(created, undefined);
    });
});

describe("azure ServiceBusNamespace", () => {
    const planNamespace = (tier?: "basic" | "standard" | "premium") =>
        runOffline(() => new ServiceBusNamespace("bus", { ...where, tier, uniqueScope: "/subscriptions/1/resourceGroups/shop-dev" }));

    it("is Standard by default, Entra ID only (no SAS keys), TLS 1.2, globally unique", async () => {
        const { result, resources } = await planNamespace();
        const namespace = one(resources, "azure-native:servicebus:Namespace");
        assert.equal(namespace.parentType, "queuestack:azure:ServiceBusNamespace");
        assert.deepEqual(namespace.inputs.sku, { name: "Standard", tier: "Standard" });
        assert.equal(namespace.inputs.disableLocalAuth, true);
        assert.equal(namespace.inputs.minimumTlsVersion, "1.2");
        assert.match(namespace.inputs.namespaceName as string, /^shop-dev-bus-[0-9a-f]{6}$/);
        assert.equal(await valueOf(result.fullyQualifiedName), `${namespace.inputs.namespaceName}.servicebus.windows.net`);
    });

    it("takes the Premium tier when asked", async () => {
        const { resources } = await planNamespace("premium");
        assert.deepEqual(one(resources, "azure-native:servicebus:Namespace").inputs.sku, { name: "Premium", tier: "Premium" });
    });
});
