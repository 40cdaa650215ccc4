import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import type { ServiceBusMessageBatch } from "@azure/service-bus";
import { frontEndFromEnv } from "../../../workers/azure/front-end-setup";
import type { FrontEndRequest } from "../../../workers/azure/front-end-handler";
import { apiKey, request } from "./http-request";
import { ConfigError } from "../../../workers/runtime";
import { capturedLogger } from "../helpers/capture-logs";
import { CosmosWorkerStore } from "../../../workers/azure/cosmos-store";
import { CosmosContainerFake } from "./cosmos-fake";
import { ServiceBusFake } from "./service-bus-fake";

const env = {
    QUEUESTACK_SERVICEBUS_NAMESPACE: "sb-test.servicebus.windows.net",
    QUEUESTACK_QUEUES: JSON.stringify([
        { name: "scrape", entity: "sbq-scrape", sessions: false },
        { name: "publish", entity: "sbq-publish", sessions: true, deduplication: "content" },
        { name: "plain", entity: "sbq-plain", sessions: false, deduplication: "content" },
    ]),
    QUEUESTACK_AUTH: "apiKey",
    QUEUESTACK_API_KEY: apiKey,
    QUEUESTACK_MAX_BODY_BYTES: "1024",
};

function setup(overrides: Record<string, string> = {}, failSendNumber?: number) {
    const bus = new ServiceBusFake();
    bus.addQueue("sbq-scrape", { maxDeliveryCount: 5, lockDurationMs: 1000 });
    bus.addQueue("sbq-publish", { maxDeliveryCount: 5, lockDurationMs: 1000, requiresSession: true, duplicateDetectionMs: 600_000 });
    bus.addQueue("sbq-plain", { maxDeliveryCount: 5, lockDurationMs: 1000, duplicateDetectionMs: 600_000 });
    const client = bus.client();
    let sends = 0;
    const handler = frontEndFromEnv({ ...env, ...overrides }, capturedLogger().logger, (entity) => {
        const sender = client.createSender(entity);
        return {
            createMessageBatch: () => sender.createMessageBatch(),
            sendMessages: async (batch) => {
                if (++sends === failSendNumber) throw Object.assign(new Error("The service was unable to process the request"), { code: "ServiceBusy" });
                return sender.sendMessages(batch as ServiceBusMessageBatch);
            },
        };
    });
    const enqueued = () => bus.active("sbq-scrape").length + bus.active("sbq-publish").length;
    return { bus, handler, enqueued };
}

describe("azure: HTTP front end on the ServiceBus fake", () => {
    it("enqueues one message per item of a batch and answers 202 with their ids", async () => {
        const { bus, handler } = setup({ QUEUESTACK_MAX_BODY_BYTES: String(256 * 1024) });
        const items = Array.from({ length: 100 }, (_, i) => ({ url: `https://example.com/${i}` }));
        const response = await handler(request("POST", "queues/scrape/messages", JSON.stringify(items).replace(/ /g, ""), { "x-api-key": apiKey }));
        assert.equal(response.status, 202);
        const { messageIds } = response.jsonBody as { messageIds: string[] };
        const active = bus.active("sbq-scrape");
        assert.equal(messageIds.length, 100);
        assert.deepEqual(active.map((m) => m.messageId), messageIds);
        assert.deepEqual(JSON.parse(active[42].body as string), { url: "https://example.com/42" });
        assert.equal(active[0].contentType, "application/json");
    });

    it("POST /api/messages sends to the first queue; FIFO queues take the group key as session id", async () => {
        const { bus, handler } = setup();
        assert.equal((await handler(request("POST", "messages", '{"url":"https://example.com/"}'))).status, 202);
        assert.equal(bus.active("sbq-scrape").length, 1);
        const fifo = await handler(request("POST", "queues/publish/messages", '[{"a":1},{"a":2}]', { "x-api-key": apiKey, "x-group-key": "tenant-1", "x-deduplication-id": "d" }));
        assert.deepEqual(fifo, { status: 202, jsonBody: { messageIds: ["d", "d-1"], statusUrls: ["/api/jobs/d", "/api/jobs/d-1"] } });
        assert.deepEqual(bus.active("sbq-publish").map((m) => [m.messageId, m.sessionId]), [["d", "tenant-1"], ["d-1", "tenant-1"]]);
    });

    it("content deduplication: the body's SHA-256 is the message id, so Service Bus drops the same body sent again (issue 14, item 9)", async () => {
        const { bus, handler } = setup();
        const body = '{"url":"https://example.com/a"}';
        const sha = (text: string) => createHash("sha256").update(text).digest("hex");
        const first = await handler(request("POST", "queues/plain/messages", body, { "x-api-key": apiKey }));
        const again = await handler(request("POST", "queues/plain/messages", body, { "x-api-key": apiKey }));
        const other = await handler(request("POST", "queues/plain/messages", '{"url":"https://example.com/b"}', { "x-api-key": apiKey }));
        assert.deepEqual(first.jsonBody, { messageId: sha(body), statusUrl: `/api/jobs/${sha(body)}` });
        assert.deepEqual(again.jsonBody, first.jsonBody, "the repeat answers with the same job");
        assert.equal((other.jsonBody as { messageId: string }).messageId, sha('{"url":"https://example.com/b"}'));
        assert.match(sha(body), /^[0-9a-f]{64}$/, "64 characters: within Service Bus's 128 for a MessageId");
        assert.deepEqual(bus.active("sbq-plain").map((m) => m.messageId), [sha(body), sha('{"url":"https://example.com/b"}')]);
        // A sender's deduplication id still wins over the content, as on SQS.
        const named = await handler(request("POST", "queues/plain/messages", body, { "x-api-key": apiKey, "x-deduplication-id": "order-7" }));
        assert.equal((named.jsonBody as { messageId: string }).messageId, "order-7");
        assert.equal(bus.active("sbq-plain").length, 3);
    });

    it("content deduplication on a session queue is per group key: the same body in another group is a new message", async () => {
        const { bus, handler } = setup();
        const body = '{"a":1}';
        for (const group of ["tenant-1", "tenant-1", "tenant-2"]) {
            assert.equal((await handler(request("POST", "queues/publish/messages", body, { "x-api-key": apiKey, "x-group-key": group }))).status, 202);
        }
        const id = (group: string) => createHash("sha256").update(`${group}\n${body}`).digest("hex");
        assert.deepEqual(bus.active("sbq-publish").map((m) => [m.messageId, m.sessionId]), [[id("tenant-1"), "tenant-1"], [id("tenant-2"), "tenant-2"]]);
        // Queues without content deduplication keep random ids: the same body twice is two messages.
        await handler(request("POST", "queues/scrape/messages", body, { "x-api-key": apiKey }));
        await handler(request("POST", "queues/scrape/messages", body, { "x-api-key": apiKey }));
        assert.equal(new Set(bus.active("sbq-scrape").map((m) => m.messageId)).size, 2);
    });

    it("answers 502 with the ids already enqueued when a later batch is refused", async () => {
        const { bus, handler } = setup({ QUEUESTACK_MAX_BODY_BYTES: String(1024 * 1024) }, 2);
        const items = Array.from({ length: 300 }, (_, i) => ({ i, pad: "x".repeat(1000) }));
        const response = await handler(request("POST", "queues/scrape/messages", JSON.stringify(items)));
        const enqueued = bus.active("sbq-scrape");
        const body = response.jsonBody as { error: string; messageIds: string[] };
        assert.equal(response.status, 502);
        assert.ok(enqueued.length > 0 && enqueued.length < 300, `one batch went through (${enqueued.length})`);
        assert.deepEqual(body.messageIds, enqueued.map((m) => m.messageId));
        assert.equal(body.error, `The queue refused messages after ${enqueued.length} of 300 were enqueued (Error: The service was unable to process the request). Retry the rest.`);
    });

    const rejections: [string, FrontEndRequest, number, string][] = [
        ["missing key", request("POST", "queues/scrape/messages", '{"a":1}', {}), 401, "Missing x-api-key header. Send the stack's API key in the x-api-key header."],
        ["wrong key", request("POST", "queues/scrape/messages", '{"a":1}', { "x-api-key": "nope" }), 401, "The x-api-key header does not match the stack's API key."],
        ["malformed JSON", request("POST", "queues/scrape/messages", '{"a":'), 400, "Request body is not valid JSON. Send a JSON object, or a JSON array of objects."],
        ["wrong type", request("POST", "queues/scrape/messages", '[{"a":1},"b"]'), 400, 'Item 1 of the array is a string; each message must be a JSON object, e.g. {"url": "https://example.com/a"}.'],
        ["oversize", request("POST", "queues/scrape/messages", JSON.stringify({ pad: "x".repeat(1100) })), 413, "Request body is 1110 bytes; the limit is 1024 bytes (spec frontEnd.maxBodyKb). Split the batch into smaller requests."],
        ["FIFO without group key", request("POST", "queues/publish/messages", '{"a":1}'), 400, 'Queue "publish" is FIFO: send a group key in the x-group-key header or the groupKey query parameter.'],
        ["unknown queue", request("POST", "queues/nope/messages", '{"a":1}'), 404, 'Unknown queue "nope". Known queues: plain, publish, scrape.'],
        ["unknown route", request("DELETE", "queues/scrape", ""), 404, "No route DELETE /api/queues/scrape. Use POST /api/queues/{queue}/messages, POST /api/messages, POST /api/topics/{topic} or GET /api/jobs/{id}."],
    ];
    for (const [name, req, status, error] of rejections) {
        it(`rejects ${name} with ${status} and a clear message, enqueuing nothing`, async () => {
            const { bus, handler, enqueued } = setup();
            assert.deepEqual(await handler(req), { status, jsonBody: { error } });
            assert.equal(enqueued(), 0);
            assert.equal(bus.calls.send, 0);
        });
    }

    it("answers 501 for job status, and for a wait, when the app has no datastore settings", async () => {
        const { handler, enqueued } = setup({ QUEUESTACK_MAX_WAIT_SECONDS: "5" });
        assert.deepEqual(await handler(request("POST", "queues/scrape/messages", '{"a":1}', { "x-api-key": apiKey }, { wait: "2" })), {
            status: 501,
            jsonBody: { error: "Job status is not available on this front end: it has no datastore settings (QUEUESTACK_COSMOS_ENDPOINT)." },
        });
        assert.equal(enqueued(), 0, "nothing sent for a wait it cannot serve");
        assert.deepEqual(await handler(request("GET", "jobs/m-1")), {
            status: 501,
            jsonBody: { error: "Job status is not available on this front end: it has no datastore settings (QUEUESTACK_COSMOS_ENDPOINT)." },
        });
    });

    it("serves job status from the job records the workers write to the Cosmos DB container", async () => {
        const container = new CosmosContainerFake({ defaultTtlSeconds: 86_400, now: () => new Date() });
        const workerStore = new CosmosWorkerStore({ container });
        const at = new Date("2026-11-22T10:00:00.000Z");
        await workerStore.putJob("m-done", { status: "done", result: { pages: 3 }, at }, 3600);
        await workerStore.putJob("m-dead", { status: "dead-letter", reason: "TypeError: bad url", attempt: 5, at }, 3600);
        const cosmosEnv = { ...env, QUEUESTACK_COSMOS_ENDPOINT: "https://db.documents.azure.com:443/", QUEUESTACK_COSMOS_DATABASE: "db", QUEUESTACK_COSMOS_CONTAINER: "results" };
        const handler = frontEndFromEnv(cosmosEnv, capturedLogger().logger, () => { throw new Error("job status sends nothing"); }, container);
        assert.deepEqual(await handler(request("GET", "jobs/m-done")), { status: 200, jsonBody: { id: "m-done", status: "done", result: { pages: 3 }, at: "2026-11-22T10:00:00.000Z" } });
        assert.deepEqual(await handler(request("GET", "jobs/m-dead")), {
            status: 200,
            jsonBody: { id: "m-dead", status: "dead-letter", reason: "TypeError: bad url", attempt: 5, at: "2026-11-22T10:00:00.000Z" },
        });
        assert.deepEqual(await handler(request("GET", "jobs/m-queued")), {
            status: 404,
            jsonBody: { error: 'No job "m-queued": this front end never accepted a message with that id, or its record has expired (spec datastore.ttlDays). Use the messageId or statusUrl a POST answered with.' },
        });
        assert.deepEqual(await handler(request("GET", "jobs/m-done", "", {})), {
            status: 401,
            jsonBody: { error: "Missing x-api-key header. Send the stack's API key in the x-api-key header." },
        });
    });

    it("refuses to start on an unresolved Key Vault reference instead of accepting its text as the key", () => {
        assert.throws(
            () => frontEndFromEnv({ ...env, QUEUESTACK_API_KEY: "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/api-key)" }, capturedLogger().logger, () => { throw new Error("unused"); }),
            (error: unknown) => error instanceof ConfigError && /unresolved Key Vault reference/.test(error.message),
        );
    });
});
