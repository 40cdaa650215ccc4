import { strict as assert } from "node:assert";
import { AzureBlobStore } from "../../../workers/azure/blob-store";
import { CosmosWorkerStore } from "../../../workers/azure/cosmos-store";
import { frontEndFromEnv } from "../../../workers/azure/front-end-setup";
import { azureWorkerFromEnv } from "../../../workers/azure/worker-setup";
import { defineWorker } from "../../../workers/runtime";
import { capturedLogger } from "../helpers/capture-logs";
import { BlobContainerFake } from "./blob-container-fake";
import { CosmosContainerFake } from "./cosmos-fake";
import { azureWorkerEnv } from "./env";
import { apiKey, request } from "./http-request";
import { ServiceBusFake } from "./service-bus-fake";

const levels = [{ name: "high", entity: "sbq-jobs-high" }, { name: "normal", entity: "sbq-jobs-normal" }, { name: "low", entity: "sbq-jobs-low" }];
const env = {
    QUEUESTACK_SERVICEBUS_NAMESPACE: "sb-test.servicebus.windows.net",
    QUEUESTACK_QUEUES: JSON.stringify([
        { name: "jobs", entity: "sbq-jobs-low", sessions: false, levels, defaultLevel: "low", maxDelaySeconds: 86_400, maxMessageBytes: 65_536 },
        { name: "orders", entity: "sbq-orders", sessions: true, groupKey: "body.customerId", deduplicationKey: "body.orderId" },
    ]),
    QUEUESTACK_TOPICS: JSON.stringify([{ name: "events", entity: "sbt-events", sessions: false, maxMessageBytes: 65_536 }]),
    QUEUESTACK_AUTH: "apiKey",
    QUEUESTACK_API_KEY: apiKey,
    QUEUESTACK_MAX_BODY_BYTES: String(6 * 1024 * 1024),
    QUEUESTACK_MAX_WAIT_SECONDS: "5",
    QUEUESTACK_LARGE_MESSAGE_MAX_BYTES: String(5 * 1024 * 1024 + 64),
    QUEUESTACK_COSMOS_ENDPOINT: "https://db.documents.azure.com:443/",
    QUEUESTACK_COSMOS_DATABASE: "db",
    QUEUESTACK_COSMOS_CONTAINER: "results",
};
const headers = (extra: Record<string, string> = {}) => ({ "x-api-key": apiKey, ...extra });

function setup() {
    const bus = new ServiceBusFake();
    for (const level of levels) bus.addQueue(level.entity, { maxDeliveryCount: 5, lockDurationMs: 1000 });
    bus.addQueue("sbq-orders", { maxDeliveryCount: 5, lockDurationMs: 1000, requiresSession: true });
    bus.addQueue("sbq-audit", { maxDeliveryCount: 5, lockDurationMs: 1000 });
    // The second subscription forwards to a queue that is gone: its copies stay in its own dead-letter sub-queue.
    const topic = bus.addTopic("sbt-events", [{ name: "jobs", forwardTo: "sbq-jobs-low" }, { name: "retired", forwardTo: "sbq-retired" }]);
    const container = new CosmosContainerFake({ defaultTtlSeconds: 86_400, now: () => new Date() });
    const blobs = new BlobContainerFake();
    const client = bus.client();
    const handler = frontEndFromEnv(env, capturedLogger().logger, (entity) => client.createSender(entity), container, new AzureBlobStore(blobs));
    const sizes = () => Object.fromEntries([...levels.map((l) => l.entity), "sbq-orders", "sbq-audit"].map((q) => [q, bus.active(q).length]));
    return { bus, topic, handler, container, blobs, sizes };
}

describe("azure: front-end queue patterns on the ServiceBus fake", () => {
    it("sends to the level named by x-priority or ?priority, else the default level; an unknown level sends nothing", async () => {
        const { bus, handler, sizes } = setup();
        assert.equal((await handler(request("POST", "queues/jobs/messages", '{"n":1}', headers({ "x-priority": "high" })))).status, 202);
        assert.equal((await handler(request("POST", "queues/jobs/messages", '{"n":2}', headers(), { priority: "normal" }))).status, 202);
        assert.equal((await handler(request("POST", "queues/jobs/messages", '[{"n":3},{"n":4}]'))).status, 202);
        assert.deepEqual(sizes(), { "sbq-jobs-high": 1, "sbq-jobs-normal": 1, "sbq-jobs-low": 2, "sbq-orders": 0, "sbq-audit": 0 });
        const refused = await handler(request("POST", "queues/jobs/messages", '{"n":5}', headers({ "x-priority": "urgent" })));
        assert.deepEqual(refused, { status: 400, jsonBody: { error: 'Queue "jobs" has no priority level "urgent". Its levels, highest first: high, normal, low. Send one of them in the x-priority header or the priority query parameter, or none for the default (low).' } });
        assert.equal(bus.calls.send, 3);
    });

    it("holds a delayed message with scheduledEnqueueTimeUtc, stamped with when it becomes visible; over the limit sends nothing", async () => {
        const { bus, handler } = setup();
        const before = Date.now();
        const response = await handler(request("POST", "queues/jobs/messages", '{"n":1}', headers({ "x-delay-seconds": "3600" })));
        assert.equal(response.status, 202);
        const [held] = bus.active("sbq-jobs-low");
        const at = held.scheduledEnqueueTimeUtc!.getTime();
        assert.ok(at >= before + 3_600_000 && at <= Date.now() + 3_600_000, `scheduled an hour ahead (${held.scheduledEnqueueTimeUtc!.toISOString()})`);
        assert.equal(held.applicationProperties["queuestack-enqueued-at"], held.scheduledEnqueueTimeUtc!.toISOString());
        assert.deepEqual(bus.receiveNow("sbq-jobs-low", 10), [], "nothing is receivable before the scheduled time");
        const now = await handler(request("POST", "queues/jobs/messages", '{"n":2}'));
        assert.equal(bus.active("sbq-jobs-low").find((m) => m.messageId === (now.jsonBody as { messageId: string }).messageId)!.scheduledEnqueueTimeUtc, undefined, "no delay asked, none set");
        assert.deepEqual(await handler(request("POST", "queues/jobs/messages", '{"n":3}', headers(), { delaySeconds: "86401" })), {
            status: 400,
            jsonBody: { error: 'Delay of 86401 s is over queue "jobs"\'s limit of 86400 s (spec queues[].maxDelaySeconds). Send 0 to 86400, or raise queues[].maxDelaySeconds.' },
        });
        assert.equal(bus.active("sbq-jobs-low").length, 2);
    });

    it("takes the session id and the message id (duplicate detection's key) from the body paths; a missing group key sends nothing", async () => {
        const { bus, handler } = setup();
        const response = await handler(request("POST", "queues/orders/messages", '[{"customerId":"c-1","orderId":"o-9"},{"customerId":"c-2","orderId":"o-10"}]'));
        assert.deepEqual(response, { status: 202, jsonBody: { messageIds: ["o-9", "o-10"], statusUrls: ["/api/jobs/o-9", "/api/jobs/o-10"] } });
        assert.deepEqual(bus.active("sbq-orders").map((m) => [m.sessionId, m.messageId]), [["c-1", "o-9"], ["c-2", "o-10"]]);
        const missing = await handler(request("POST", "queues/orders/messages", '{"orderId":"o-11"}'));
        assert.equal(missing.status, 400);
        assert.match((missing.jsonBody as { error: string }).error, /^Queue "orders" is FIFO: .*body\.customerId/);
        assert.equal(bus.active("sbq-orders").length, 2);
    });

    it("publishes a topic event once; each subscription forwards its copy, and one that cannot dead-letters it in its own sub-queue", async () => {
        const { bus, topic, handler, sizes } = setup();
        const response = await handler(request("POST", "topics/events", '{"kind":"price-changed"}', headers({ "x-correlation-id": "corr-7" })));
        assert.equal(response.status, 202);
        const id = (response.jsonBody as { messageId: string }).messageId;
        assert.deepEqual(sizes(), { "sbq-jobs-high": 0, "sbq-jobs-normal": 0, "sbq-jobs-low": 1, "sbq-orders": 0, "sbq-audit": 0 });
        const [copy] = bus.active("sbq-jobs-low");
        assert.deepEqual([copy.messageId, copy.body, copy.applicationProperties["queuestack-correlation-id"]], [id, '{"kind":"price-changed"}', "corr-7"]);
        assert.deepEqual(topic.deadLetters("jobs"), []);
        assert.deepEqual(topic.deadLetters("retired").map((d) => [d.message.messageId, d.deadLetterReason]), [[id, "ForwardingFailed"]]);
        assert.equal(bus.calls.send, 1, "one publish");
        assert.deepEqual(await handler(request("POST", "topics/nope", "{}")), { status: 404, jsonBody: { error: 'Unknown topic "nope". Known topics: events.' } });
    });

    it("claim-checks a 5 MiB body: the queue carries a reference, the blob the body, and the worker's handler sees the body", async () => {
        const { bus, handler, blobs, container } = setup();
        const body = JSON.stringify({ pad: "x".repeat(5 * 1024 * 1024) });
        const response = await handler(request("POST", "queues/jobs/messages", body));
        assert.equal(response.status, 202);
        const [stored] = bus.active("sbq-jobs-low");
        const reference = JSON.parse(stored.body as string).queuestackClaimCheck as { key: string; bytes: number };
        assert.match(reference.key, /^jobs\/[0-9a-f-]{36}$/);
        assert.equal(reference.bytes, Buffer.byteLength(body));
        assert.ok(Buffer.byteLength(stored.body as string) < 1024, "the queue carries only the reference");
        assert.deepEqual([...blobs.blobs.keys()], [reference.key]);
        assert.equal(blobs.blobs.get(reference.key)!.data.toString(), body);
        const seen: number[] = [];
        const worker = azureWorkerFromEnv(defineWorker<{ pad: string }>({ handle: async ({ body: b }) => void seen.push(b.pad.length) }), { ...azureWorkerEnv(), QUEUESTACK_QUEUE_NAME: "sbq-jobs-low" }, capturedLogger().logger, container, new AzureBlobStore(blobs));
        const [received] = bus.receiveNow("sbq-jobs-low", 1);
        const outcome = await worker.processor({ id: String(received.messageId), body: String(received.body), attributes: {}, attempt: 1, enqueuedAt: new Date() });
        assert.deepEqual([outcome.kind, seen], ["done", [5 * 1024 * 1024]]);
        const over = await handler(request("POST", "queues/jobs/messages", JSON.stringify({ pad: "x".repeat(5 * 1024 * 1024 + 64) })));
        assert.deepEqual(over, { status: 413, jsonBody: { error: `Message 0 is ${5 * 1024 * 1024 + 74} bytes; large messages may be at most ${5 * 1024 * 1024 + 64} bytes (spec largeMessages.maxBodyMb). Send a smaller message, or raise largeMessages.maxBodyMb.` } });
        assert.equal(blobs.blobs.size, 1, "nothing stored for the refused body");
    });

    it("sends a body up to the entity's limit less the envelope headroom inline, and claim-checks one byte more", async () => {
        const { bus, handler, blobs } = setup();
        const limit = 65_536 - 4096; // maxMessageBytes of "jobs" less the runtime's envelope headroom
        const padded = (bytes: number) => JSON.stringify({ pad: "x".repeat(bytes - '{"pad":""}'.length) });
        assert.equal((await handler(request("POST", "queues/jobs/messages", padded(limit)))).status, 202);
        assert.equal((await handler(request("POST", "queues/jobs/messages", padded(limit + 1)))).status, 202);
        const [inline, checked] = bus.active("sbq-jobs-low").map((m) => String(m.body));
        assert.equal(inline, padded(limit));
        assert.equal(JSON.parse(checked!).queuestackClaimCheck.bytes, limit + 1);
        assert.equal(blobs.blobs.size, 1);
    });

    it("waits for the result with Prefer: wait, answers 202 with the status path when it is not ready, and refuses a wait over the limit", async () => {
        const { bus, handler, container } = setup();
        const results = new CosmosWorkerStore({ container });
        const at = new Date("2026-11-22T10:00:00.000Z");
        const finishing = (async () => {
            while (bus.active("sbq-jobs-low").length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
            await results.putJob(bus.active("sbq-jobs-low")[0].messageId, { status: "done", result: { total: 42 }, at }, 3600);
        })();
        const done = await handler(request("POST", "queues/jobs/messages", '{"n":1}', headers({ prefer: "respond-async, wait=3", "x-correlation-id": "order-5" })));
        await finishing;
        const id = bus.active("sbq-jobs-low")[0].messageId;
        assert.deepEqual(done, { status: 200, jsonBody: { correlationId: "order-5", id, status: "done", result: { total: 42 }, at: at.toISOString() } });
        assert.equal(bus.active("sbq-jobs-low")[0].applicationProperties["queuestack-correlation-id"], "order-5");
        const started = Date.now();
        const pending = await handler(request("POST", "queues/jobs/messages", '{"n":2}', headers(), { wait: "1" }));
        const pendingId = bus.active("sbq-jobs-low")[1].messageId;
        assert.ok(Date.now() - started >= 1000, "waited the second asked for");
        assert.deepEqual(pending, { status: 202, jsonBody: { messageId: pendingId, statusUrl: `/api/jobs/${pendingId}` } });
        assert.equal(bus.active("sbq-jobs-low")[1].applicationProperties["queuestack-correlation-id"], pendingId, "no x-correlation-id: the job id stands in");
        assert.deepEqual(await handler(request("POST", "queues/jobs/messages", '{"n":3}', headers({ prefer: "wait=6" }))), {
            status: 400,
            jsonBody: { error: "Wait of 6 s is over the front end's limit of 5 s (spec frontEnd.maxWaitSeconds). Ask for 0 to 5, or raise frontEnd.maxWaitSeconds." },
        });
        assert.equal(bus.active("sbq-jobs-low").length, 2);
    });
});
