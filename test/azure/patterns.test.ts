import { strict as assert } from "node:assert";
import { AzureWebQueueWorker, builtInRoles } from "../../components/azure";
import type { SpecInput } from "../../components/spec";
import { type PlannedResource, runOffline, valueOf } from "../../components/testing/offline";
import { ofType, one } from "../helpers/resources";
import { fixedCode, mockedIdOf, roleId, settingsOf } from "./fixtures";

/** Every queue pattern at once: priorities (function and VM consumers), delays, group/dedup keys, fan-out, claim check, waiting. */
const spec = {
    name: "shop",
    queues: [
        { name: "jobs", maxDelaySeconds: 86_400, maxMessageKb: 64, priorities: { levels: [{ name: "high", weight: 3 }, { name: "normal", weight: 1 }, { name: "low", weight: 1 }] } },
        { name: "bulk", priorities: { levels: [{ name: "urgent", weight: 2 }, { name: "routine", weight: 1 }], defaultLevel: "urgent", promoteAfterSeconds: 120 } },
        { name: "orders", ordering: "fifo", deduplication: "messageId", groupKey: "body.customerId", deduplicationKey: "body.orderId" },
    ],
    topics: [{ name: "events", subscribers: ["jobs", "bulk"] }],
    largeMessages: { enabled: true },
    frontEnd: { maxWaitSeconds: 20, maxBodyKb: 1024 },
    workers: [
        { name: "fast", queue: "jobs", kind: "function", concurrency: 10 },
        { name: "sorter", queue: "bulk", kind: "vm", scaling: { min: 0, max: 2 } },
        { name: "orderer", queue: "orders", kind: "function" },
    ],
} satisfies SpecInput;

const plan = () => runOffline(() => new AzureWebQueueWorker("shop", { spec, code: fixedCode }), { stack: "dev", config: { "azure-native:location": "westeurope" } });
const grantsOf = (resources: PlannedResource[], parent: string) =>
    ofType(resources, "azure-native:authorization:RoleAssignment").filter((r) => r.parent === parent).map((r) => [r.name, r.inputs.roleDefinitionId, r.inputs.scope]);

describe("AzureWebQueueWorker queue patterns", () => {
    let resources: PlannedResource[];
    let result: AzureWebQueueWorker;
    let idOf: (r: PlannedResource) => string;
    before(async () => {
        ({ resources, result } = await plan());
        idOf = await mockedIdOf();
    });
    const queueId = (name: string) => idOf(one(resources, "azure-native:servicebus:Queue", `shop-${name}-queue`));
    const app = (component: string) => one(resources.filter((r) => r.parent === `${component}-functions`), "azure-native:web:WebApp");

    it("makes a Service Bus queue, dead-letter path and two alerts per priority level", async () => {
        assert.deepEqual(ofType(resources, "azure-native:servicebus:Queue").map((q) => [q.name, q.inputs.queueName, q.inputs.maxDeliveryCount]), [
            ["shop-jobs-high-queue", "shop-dev-jobs-high", 5], ["shop-jobs-normal-queue", "shop-dev-jobs-normal", 5], ["shop-jobs-low-queue", "shop-dev-jobs-low", 5],
            ["shop-bulk-urgent-queue", "shop-dev-bulk-urgent", 5], ["shop-bulk-routine-queue", "shop-dev-bulk-routine", 5],
            ["shop-orders-queue", "shop-dev-orders", 5],
        ]);
        assert.deepEqual(Object.keys(result.queues), ["jobs", "bulk", "orders"], "outputs by spec queue name, as on every target");
        assert.equal(await valueOf(result.queues.jobs.deadLetterId), "shop-dev-jobs-low/$deadletterqueue");
        assert.equal(await valueOf(result.queues.jobs.id), queueId("jobs-low"), "the spec name answers with the default (lowest) level");
        assert.equal(await valueOf(result.queues.bulk.id), queueId("bulk-urgent"), "the spec name answers with defaultLevel");
        const alerts = ofType(resources, "azure-native:monitor:MetricAlert").map((a) => a.name);
        for (const level of ["jobs-high", "jobs-normal", "jobs-low", "bulk-urgent", "bulk-routine", "topic-events"]) {
            assert.deepEqual(alerts.filter((a) => a.includes(`-${level}-`)).length, 2, `alerts of ${level}`);
        }
        assert.equal(alerts.filter((a) => /-jobs-(dlq-depth|backlog)$/.test(a)).length, 0, "no alert on a queue that does not exist");
    });

    it("runs one Function App per level, each with its share of concurrency (10 over 3:1:1 -> 6, 2, 2)", async () => {
        const perLevel = ["high", "normal", "low"].map((level) => {
            const site = app(`shop-fast-${level}`);
            const settings = settingsOf(resources, site);
            const scale = (site.inputs.functionAppConfig as { scaleAndConcurrency: { maximumInstanceCount: number } }).scaleAndConcurrency;
            return [settings.QUEUESTACK_QUEUE_NAME, settings.AzureFunctionsJobHost__extensions__serviceBus__maxConcurrentCalls, scale.maximumInstanceCount, settings.QUEUESTACK_CONCURRENCY];
        });
        assert.deepEqual(perLevel, [["shop-dev-jobs-high", "6", 1, "6"], ["shop-dev-jobs-normal", "2", 1, "2"], ["shop-dev-jobs-low", "2", 1, "2"]]);
        assert.deepEqual(grantsOf(resources, "shop-fast").filter(([name]) => String(name).endsWith("-receive")), [
            ["shop-fast-high-receive", roleId(builtInRoles.serviceBusDataOwner), queueId("jobs-high")],
            ["shop-fast-normal-receive", roleId(builtInRoles.serviceBusDataOwner), queueId("jobs-normal")],
            ["shop-fast-low-receive", roleId(builtInRoles.serviceBusDataOwner), queueId("jobs-low")],
        ]);
        for (const level of ["high", "normal", "low"]) assert.equal(settingsOf(resources, app(`shop-fast-${level}`)).QUEUESTACK_QUEUE_LEVELS, undefined);
        assert.equal(ofType(resources, "azure-native:web:WebApp").filter((r) => r.parent === "shop-fast-functions").length, 0, "no app for the queue as a whole");
    });

    it("gives the VM receiver every level by weight, the promotion bound, and send rights on every level but the lowest", async () => {
        const scaleSet = one(resources, "azure-native:compute:VirtualMachineScaleSet");
        const script = Buffer.from((scaleSet.inputs.virtualMachineProfile as { osProfile: { customData: string } }).osProfile.customData, "base64").toString();
        const env = (key: string) => JSON.parse(new RegExp(`^${key}=(.*)$`, "m").exec(script)![1]) as string;
        assert.deepEqual(JSON.parse(env("QUEUESTACK_QUEUE_LEVELS")), [
            { name: "urgent", entity: "shop-dev-bulk-urgent", weight: 2 },
            { name: "routine", entity: "shop-dev-bulk-routine", weight: 1 },
        ]);
        assert.equal(env("QUEUESTACK_PROMOTE_AFTER_SECONDS"), "120");
        assert.deepEqual(grantsOf(resources, "shop-sorter").filter(([name]) => /-(receive|promote)/.test(String(name))), [
            ["shop-sorter-receive-urgent", roleId(builtInRoles.serviceBusDataReceiver), queueId("bulk-urgent")],
            ["shop-sorter-receive-routine", roleId(builtInRoles.serviceBusDataReceiver), queueId("bulk-routine")],
            ["shop-sorter-promote-to-urgent", roleId(builtInRoles.serviceBusDataSender), queueId("bulk-urgent")],
        ]);
        const metric = (one(resources, "azure-native:monitor:AutoscaleSetting").inputs.profiles as { rules: { metricTrigger: { dimensions: { values: string[] }[] } }[] }[])[0].rules[0].metricTrigger;
        assert.deepEqual(metric.dimensions[0].values, ["shop-dev-bulk-urgent", "shop-dev-bulk-routine"]);
    });

    it("fans the topic out to each subscriber's default level", async () => {
        const forwards = ofType(resources, "azure-native:servicebus:Subscription").map((s) => [s.inputs.subscriptionName, s.inputs.forwardTo, s.inputs.topicName]);
        assert.deepEqual(forwards, [["jobs", "shop-dev-jobs-low", "shop-dev-events"], ["bulk", "shop-dev-bulk-urgent", "shop-dev-events"]]);
    });

    it("tells the front end each queue's routing, its topics, the claim-check container and the longest wait", async () => {
        const settings = settingsOf(resources, app("shop-front-end"));
        assert.deepEqual(JSON.parse(settings.QUEUESTACK_QUEUES), [
            {
                name: "jobs", entity: "shop-dev-jobs-low", sessions: false, defaultLevel: "low", maxDelaySeconds: 86_400, maxMessageBytes: 65_536,
                levels: [{ name: "high", entity: "shop-dev-jobs-high" }, { name: "normal", entity: "shop-dev-jobs-normal" }, { name: "low", entity: "shop-dev-jobs-low" }],
            },
            {
                name: "bulk", entity: "shop-dev-bulk-urgent", sessions: false, defaultLevel: "urgent", maxMessageBytes: 262_144,
                levels: [{ name: "urgent", entity: "shop-dev-bulk-urgent" }, { name: "routine", entity: "shop-dev-bulk-routine" }],
            },
            { name: "orders", entity: "shop-dev-orders", sessions: true, groupKey: "body.customerId", deduplication: "messageId", deduplicationKey: "body.orderId", maxMessageBytes: 262_144 },
        ]);
        assert.deepEqual(JSON.parse(settings.QUEUESTACK_TOPICS), [{ name: "events", entity: "shop-dev-events", sessions: false, maxMessageBytes: 65_536 }]);
        assert.match(settings.QUEUESTACK_LARGE_MESSAGES_URL, /^https:\/\/shopdevlarge[0-9a-f]{6}\.blob\.core\.windows\.net\/large-messages$/);
        assert.equal(settings.QUEUESTACK_MAX_WAIT_SECONDS, "20");
        assert.equal(settings.QUEUESTACK_LARGE_MESSAGE_MAX_BYTES, String(5 * 1024 * 1024));
    });

    it("lets the front end send to every level and topic and write large bodies; workers may only read them", () => {
        const container = idOf(one(resources, "azure-native:storage:BlobContainer", "shop-large-messages-large-messages"));
        const frontEnd = grantsOf(resources, "shop-front-end").filter(([name]) => !String(name).endsWith("api-key"));
        assert.deepEqual(frontEnd, [
            ["shop-front-end-send-jobs-high", roleId(builtInRoles.serviceBusDataSender), queueId("jobs-high")],
            ["shop-front-end-send-jobs-normal", roleId(builtInRoles.serviceBusDataSender), queueId("jobs-normal")],
            ["shop-front-end-send-jobs-low", roleId(builtInRoles.serviceBusDataSender), queueId("jobs-low")],
            ["shop-front-end-send-bulk-urgent", roleId(builtInRoles.serviceBusDataSender), queueId("bulk-urgent")],
            ["shop-front-end-send-bulk-routine", roleId(builtInRoles.serviceBusDataSender), queueId("bulk-routine")],
            ["shop-front-end-send-orders", roleId(builtInRoles.serviceBusDataSender), queueId("orders")],
            ["shop-front-end-send-topic-events", roleId(builtInRoles.serviceBusDataSender), idOf(one(resources, "azure-native:servicebus:Topic"))],
            ["shop-front-end-write-large-messages", roleId(builtInRoles.storageBlobDataContributor), container],
        ]);
        const blobGrants = ofType(resources, "azure-native:authorization:RoleAssignment").filter((r) => r.inputs.scope === container);
        assert.deepEqual(blobGrants.map((r) => [r.name, r.inputs.roleDefinitionId]).sort(), [
            ["shop-fast-high-read-large-messages", roleId(builtInRoles.storageBlobDataReader)],
            ["shop-fast-low-read-large-messages", roleId(builtInRoles.storageBlobDataReader)],
            ["shop-fast-normal-read-large-messages", roleId(builtInRoles.storageBlobDataReader)],
            ["shop-front-end-write-large-messages", roleId(builtInRoles.storageBlobDataContributor)],
            ["shop-orderer-read-large-messages", roleId(builtInRoles.storageBlobDataReader)],
            ["shop-sorter-read-large-messages", roleId(builtInRoles.storageBlobDataReader)],
        ]);
    });

    it("creates no topic, claim-check store or pattern setting when the spec asks for none", async () => {
        const plain = await runOffline(() => new AzureWebQueueWorker("shop", { spec: { name: "shop", queues: [{ name: "jobs" }], workers: [{ name: "worker", queue: "jobs", kind: "function" }] }, code: fixedCode }), { stack: "dev" });
        for (const type of ["azure-native:servicebus:Topic", "azure-native:servicebus:Subscription", "azure-native:storage:ManagementPolicy"]) assert.equal(ofType(plain.resources, type).length, 0, type);
        const settings = ofType(plain.resources, "azure-native:web:WebApp").map((r) => settingsOf(plain.resources, r));
        for (const s of settings) for (const key of ["QUEUESTACK_TOPICS", "QUEUESTACK_LARGE_MESSAGES_URL", "QUEUESTACK_LARGE_MESSAGE_MAX_BYTES", "QUEUESTACK_QUEUE_LEVELS"]) assert.equal(s[key], undefined, key);
        assert.deepEqual(JSON.parse(settings.find((e) => e.QUEUESTACK_QUEUES)!.QUEUESTACK_QUEUES), [{ name: "jobs", entity: "shop-dev-jobs", sessions: false, maxMessageBytes: 262_144 }]);
    });
});
