import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import * as path from "node:path";
import { startLocalStack, type LocalStack } from "../../local/runner";
import { capturedLogger } from "../workers/helpers/capture-logs";
import { waitFor, writeStack } from "./helpers";

const echo = path.join(__dirname, "fixtures", "echo-worker");

const spec = {
    name: "patterns",
    frontEnd: { auth: "apiKey", maxBodyKb: 10_240, maxWaitSeconds: 10 },
    queues: [
        {
            name: "jobs",
            maxDelaySeconds: 2_592_000,
            priorities: { levels: [{ name: "high", weight: 3 }, { name: "low", weight: 1 }], promoteAfterSeconds: 1 },
        },
        { name: "orders", ordering: "fifo", groupKey: "body.customer", deduplication: "messageId", deduplicationKey: "body.orderId" },
        { name: "files", maxMessageKb: 64 },
    ],
    topics: [{ name: "file-events", subscribers: ["jobs", "files"] }],
    largeMessages: { enabled: true, maxBodyMb: 6 },
    // No worker consumes "jobs": its messages stay where the front end and the promoter put them.
    workers: [
        { name: "order-echo", queue: "orders", code: echo, concurrency: 8 },
        { name: "file-echo", queue: "files", code: echo, concurrency: 2 },
    ],
};

const sha256 = (bytes: Buffer | string) => createHash("sha256").update(bytes).digest("hex");

describe("local runner: queue patterns through the front end", function () {
    this.timeout(60_000);
    let dir: string;
    let stack: LocalStack;
    const { logger } = capturedLogger();

    const post = async (route: string, body: string, headers: Record<string, string> = {}) => {
        const response = await fetch(`${stack.url}${route}`, { method: "POST", headers: { "content-type": "application/json", "x-api-key": stack.apiKey!, ...headers }, body });
        return { status: response.status, body: (await response.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
    };
    const job = async (id: string) => {
        const response = await fetch(`${stack.url}/jobs/${id}`, { headers: { "x-api-key": stack.apiKey! } });
        return response.status === 200 ? ((await response.json()) as Record<string, any>) : undefined; // eslint-disable-line @typescript-eslint/no-explicit-any
    };
    const done = (id: string) => waitFor(`job ${id} done`, async () => ((await job(id))?.status === "done" ? (await job(id))! : undefined), 20_000);
    const depths = () => Object.fromEntries(["jobs-high", "jobs-low"].map((q) => [q, stack.engine.stats(q).visible + stack.engine.stats(q).delayed]));

    before(async () => {
        dir = writeStack("patterns", spec);
        stack = await startLocalStack({ stack: "patterns", dir, port: 0, logger, retryBaseSeconds: 0.05, pollIntervalMs: 20, drainSeconds: 0.2, promoteEveryMs: 50 });
    });
    after(async () => {
        await stack?.stop();
        rmSync(dir, { recursive: true, force: true });
    });

    it("has one engine queue (and dead-letter queue) per priority level", () => {
        assert.deepEqual(stack.engine.queueNames, ["jobs-high", "jobs-low", "orders", "files"]);
    });

    it("puts a message on the level the sender names, else the default, refuses an unknown level, and promotes a waiting one", async () => {
        assert.equal((await post("/queues/jobs/messages", '{"n":1}', { "x-priority": "high" })).status, 202);
        assert.equal((await post("/queues/jobs/messages?priority=high", '{"n":2}')).status, 202);
        const unknown = await post("/queues/jobs/messages", '{"n":3}', { "x-priority": "urgent" });
        assert.deepEqual(unknown, {
            status: 400,
            body: { error: 'Queue "jobs" has no priority level "urgent". Its levels, highest first: high, low. Send one of them in the x-priority header or the priority query parameter, or none for the default (low).' },
        });
        assert.deepEqual(depths(), { "jobs-high": 2, "jobs-low": 0 });
        const { body } = await post("/queues/jobs/messages", '{"n":4}', { "x-correlation-id": "order-77" });
        assert.equal(stack.engine.stats("jobs-low").visible + stack.engine.stats("jobs-high").visible, 3);
        // promoteAfterSeconds is 1: the runner's promoter moves it up once it has waited that long.
        await waitFor("the low message to be promoted", () => (depths()["jobs-low"] === 0 ? true : undefined));
        const moved = stack.engine.receive("jobs-high", 10).find((d) => d.id === body.messageId)!;
        assert.deepEqual([moved.body, moved.attributes["queuestack-correlation-id"], moved.attempt], ['{"n":4}', "order-77", 1]);
        stack.engine.returnToQueue(stack.engine.receive("jobs-high", 10).map((d) => d.receipt));
    });

    it("holds a message for the delay asked, up to the queue's maxDelaySeconds", async () => {
        const before = stack.engine.stats("jobs-low").delayed;
        assert.equal((await post("/queues/jobs/messages", "{}", { "x-delay-seconds": "2592000" })).status, 202);
        assert.equal((await post("/queues/jobs/messages?delaySeconds=86400", "{}")).status, 202);
        assert.equal(stack.engine.stats("jobs-low").delayed, before + 2);
        assert.deepEqual(await post("/queues/jobs/messages", "{}", { "x-delay-seconds": "2592001" }), {
            status: 400,
            body: { error: 'Delay of 2592001 s is over queue "jobs"\'s limit of 2592000 s (spec queues[].maxDelaySeconds). Send 0 to 2592000, or raise queues[].maxDelaySeconds.' },
        });
        assert.equal((await post("/queues/files/messages", "{}", { "x-delay-seconds": "5" })).status, 400);
    });

    it("reads group key and deduplication id from the body, drops a repeat, and refuses a message without a group", async () => {
        const first = await post("/queues/orders/messages", JSON.stringify([{ customer: "c1", orderId: "o1" }, { customer: "c2", orderId: "o2" }]));
        const again = await post("/queues/orders/messages", JSON.stringify({ customer: "c1", orderId: "o1", note: "sent twice" }));
        assert.equal(first.status, 202);
        assert.equal(again.body.messageId, first.body.messageIds[0], "the repeat within the window is the first message");
        const results = await Promise.all((first.body.messageIds as string[]).map(done));
        assert.deepEqual(results.map((r) => [r.result.groupKey, r.result.body]), [["c1", { customer: "c1", orderId: "o1" }], ["c2", { customer: "c2", orderId: "o2" }]]);
        assert.deepEqual(await post("/queues/orders/messages", '{"orderId":"o3"}'), {
            status: 400,
            body: { error: 'Queue "orders" is FIFO: send a group key in the x-group-key header, the groupKey query parameter or the message at body.customer.' },
        });
    });

    it("fans a topic event out to every subscriber queue (a queue with levels at its default level), and refuses a level on a topic", async () => {
        const lowBefore = stack.engine.stats("jobs-low").visible;
        const published = await post("/topics/file-events", '{"file":"report.pdf"}');
        assert.equal(published.status, 202);
        assert.deepEqual(Object.keys(published.body.messageIds), ["jobs", "files"]);
        assert.equal(stack.engine.stats("jobs-low").visible, lowBefore + 1);
        const copy = await done(published.body.messageIds.files);
        assert.deepEqual(copy.result.body, { file: "report.pdf" });
        assert.equal(copy.result.attributes["queuestack-correlation-id"], published.body.messageIds.files);
        const correlated = await post("/topics/file-events", '{"file":"b.pdf"}', { "x-correlation-id": "upload-9" });
        assert.deepEqual(Object.keys(correlated.body), ["messageIds", "correlationId"]);
        assert.equal(correlated.body.correlationId, "upload-9");
        const tagged = await done(correlated.body.messageIds.files);
        assert.equal(tagged.result.attributes["queuestack-correlation-id"], "upload-9");
        assert.deepEqual(await post("/topics/file-events", "{}", { "x-priority": "high" }), {
            status: 400,
            body: { error: 'Topic "file-events" delivers each event at once to every subscriber queue\'s default level, so it takes no priority (x-priority header or priority query parameter) (got "high"). Send the event without it, or send to POST /queues/{queue}/messages to choose a level, a delay or a wait.' },
        });
        assert.deepEqual(await post("/topics/nope", "{}"), { status: 404, body: { error: 'Unknown topic "nope". Known topics: file-events.' } });
    });

    it("claim-checks a 5 MB body: stored under the data directory, resolved for the worker byte for byte", async () => {
        // 8 bytes of JSON per repeat: one-, two- and three-byte UTF-8 characters and a quote JSON escapes.
        const item = { name: "scan.tif", data: 'a"€\u00e9'.repeat(655_360) };
        const sent = Buffer.from(JSON.stringify(item), "utf8");
        assert.equal(sent.length, 5 * 1024 * 1024 + '{"name":"scan.tif","data":""}'.length);
        const accepted = await post("/queues/files/messages", sent.toString("utf8"));
        assert.equal(accepted.status, 202);
        const stored = readdirSync(path.join(stack.dataDir, "blobs")).filter((name) => name.startsWith(encodeURIComponent("files/")));
        assert.deepEqual(stored, [encodeURIComponent(`files/${accepted.body.messageId}`)]);
        assert.ok(readFileSync(path.join(stack.dataDir, "blobs", stored[0]!)).equals(sent), "the stored body is the sent bytes");
        const result = (await done(accepted.body.messageId)).result;
        assert.deepEqual([result.bytes, result.sha256], [sent.length, sha256(sent)]);
    });

    it("claim-checks a large topic event once: every copy carries the reference to one stored body", async () => {
        const event = JSON.stringify({ file: "big.csv", rows: "r,".repeat(50_000) });
        const published = await post("/topics/file-events", event);
        assert.equal(published.status, 202);
        const stored = readdirSync(path.join(stack.dataDir, "blobs")).filter((name) => name.startsWith(encodeURIComponent("topics/")));
        assert.equal(stored.length, 1);
        const result = (await done(published.body.messageIds.files)).result;
        assert.deepEqual([result.bytes, result.sha256], [Buffer.byteLength(event), sha256(event)]);
        const received = stack.engine.receive("jobs-low", 100);
        const parked = received.find((d) => d.id === published.body.messageIds.jobs)!;
        assert.deepEqual(JSON.parse(parked.body), { queuestackClaimCheck: { key: decodeURIComponent(stored[0]!), bytes: Buffer.byteLength(event), sha256: sha256(event) } });
        stack.engine.returnToQueue(received.map((d) => d.receipt));
    });

    it("refuses a body over largeMessages.maxBodyMb with 413", async () => {
        const huge = JSON.stringify({ data: "x".repeat(6 * 1024 * 1024) });
        const response = await post("/queues/files/messages", huge);
        assert.deepEqual(response, {
            status: 413,
            body: { error: `The message is ${huge.length} bytes; the claim check takes at most ${6 * 1024 * 1024} (spec largeMessages.maxBodyMb). Send a smaller message, or raise largeMessages.maxBodyMb.` },
        });
    });

    it("request-response: answers 200 with the result when it is done within the wait, else 202 with the status URL", async () => {
        const answered = await post("/queues/files/messages", '{"quote":"A-1"}', { prefer: "wait=10", "x-correlation-id": "checkout-5521" });
        assert.equal(answered.status, 200);
        assert.deepEqual([answered.body.correlationId, answered.body.status, answered.body.result.body], ["checkout-5521", "done", { quote: "A-1" }]);
        assert.equal(answered.body.result.attributes["queuestack-correlation-id"], "checkout-5521");
        // Nothing consumes "jobs": the wait runs out and the answer says where to look.
        const pending = await post("/queues/jobs/messages?wait=1", '{"n":5}');
        assert.equal(pending.status, 202);
        assert.deepEqual(pending.body, { messageId: pending.body.messageId, statusUrl: `/jobs/${pending.body.messageId}` });
        const over = await post("/queues/files/messages?wait=11", "{}");
        assert.deepEqual(over, { status: 400, body: { error: "Wait of 11 s is over the front end's limit of 10 s (spec frontEnd.maxWaitSeconds). Ask for 0 to 10, or raise frontEnd.maxWaitSeconds." } });
    });
});
