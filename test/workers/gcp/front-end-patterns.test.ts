import { strict as assert } from "node:assert";
import { createLogger, type JobRecord } from "../../../workers/runtime";
import { createFrontEndHandler, type FrontEndRequest } from "../../../workers/gcp/front-end-handler";
import { googleApi, type GoogleApiCall } from "../../../workers/gcp/google-api";
import { GcsBlobStore, storageFetch } from "../../../workers/gcp/gcs-blob-store";
import { acknowledge, pull } from "../../../workers/gcp/pubsub-api";
import { type Emulator, gcloudAvailable, startEmulator } from "./emulators";
import { type FakeGoogleServer, fakeStorage, startFakeGoogleServer } from "./fake-google-server";
import { bodyOf, createQueue, project, response } from "./pubsub-fixtures";

const logger = createLogger({ name: "front-end-patterns-test", level: "silent" });
const now = { returnImmediately: true };
const taskQueue = "projects/pubsub-test/locations/europe-west1/queues/shop-delay";
const delayAccount = "shop-delay@pubsub-test.iam.gserviceaccount.com";

describe("gcp front end patterns (Pub/Sub emulator, fake Cloud Tasks and Cloud Storage servers)", function () {
    this.timeout(60_000);
    let emulator: Emulator | undefined;
    let pubsub: GoogleApiCall;
    let tasks: FakeGoogleServer;
    let storage: FakeGoogleServer;
    const objects = new Map<string, Buffer>();
    const records = new Map<string, JobRecord>();
    let queues: Record<"high" | "low" | "fifo", Awaited<ReturnType<typeof createQueue>>>;
    let ids = 0;
    /** Tasks the fake Cloud Tasks server accepts before it answers 503. */
    let tasksAccepted = Infinity;

    const handler = () =>
        createFrontEndHandler({
            queues: {
                work: { levels: [{ level: "high", topic: queues.high.topic }, { level: "low", topic: queues.low.topic }], ordered: false, maxDelaySeconds: 86_400, maxMessageKb: 8 },
                audit: { levels: [{ topic: queues.fifo.topic }], ordered: true, maxDelaySeconds: 0, maxMessageKb: 256, groupKey: "body.account", deduplicationKey: "body.eventId" },
            },
            topics: { events: { topic: `${project}/topics/fp-events`, ordered: false, maxMessageKb: 256 } },
            maxBodyBytes: 64 * 1024,
            maxWaitSeconds: 5,
            pubsub,
            delay: { api: googleApi({ baseUrl: "https://cloudtasks.googleapis.com", version: "v2", emulatorHost: tasks.host }), settings: { queue: taskQueue, serviceAccountEmail: delayAccount } },
            blobStore: new GcsBlobStore(storageFetch({ STORAGE_EMULATOR_HOST: storage.host }), "shop-bodies"),
            jobs: { getJob: async (id) => records.get(id), putJob: async () => {} },
            logger,
            newJobId: () => `job-${++ids}`,
        });
    const send = async (path: string, body: unknown, headers: Record<string, string> = {}, query: Record<string, string> = {}) => {
        const { res, answer } = response();
        const request: FrontEndRequest = { method: "POST", path, headers, query, rawBody: Buffer.from(JSON.stringify(body)) };
        await handler()(request, res);
        return answer;
    };
    const drain = async (subscription: string) => {
        const received = await pull(pubsub, subscription, 50, now);
        if (received.length) await acknowledge(pubsub, subscription, received.map((r) => r.ackId));
        return received.map((r) => r.message);
    };

    before(async function () {
        if (!gcloudAvailable()) this.skip();
        emulator = await startEmulator("pubsub");
        pubsub = googleApi({ baseUrl: "https://pubsub.googleapis.com", emulatorHost: emulator.hostPort });
        tasks = await startFakeGoogleServer(() =>
            tasks.requests.length <= tasksAccepted ? { status: 200, json: { name: `${taskQueue}/tasks/1` } } : { status: 503, json: { error: { code: 503, message: "try later", status: "UNAVAILABLE" } } },
        );
        storage = await startFakeGoogleServer(fakeStorage(objects));
        queues = {
            high: await createQueue(pubsub, "fp-work-high"),
            low: await createQueue(pubsub, "fp-work-low"),
            fifo: await createQueue(pubsub, "fp-audit", { ordered: true }),
        };
        await pubsub("PUT", `${project}/topics/fp-events`, {});
        for (const name of ["fp-events-one", "fp-events-two"]) await pubsub("PUT", `${project}/subscriptions/${name}`, { topic: `${project}/topics/fp-events` });
    });
    after(async () => {
        await emulator?.stop();
        await tasks?.close();
        await storage?.close();
    });
    beforeEach(() => {
        if (tasks) tasks.requests.length = 0;
    });

    it("publishes at the level the sender names, else the default, with job id, first enqueue time and correlation attributes", async () => {
        const high = await send("/queues/work/messages", { n: 1 }, { "x-priority": "high", "x-correlation-id": "order-7" });
        const low = await send("/queues/work/messages", { n: 2 });
        assert.equal(high.status, 202);
        assert.deepEqual(low.body, { messageId: low.body.messageId, statusUrl: `/jobs/${low.body.messageId}` });
        const [onHigh] = await drain(queues.high.subscription);
        const [onLow] = await drain(queues.low.subscription);
        assert.equal(bodyOf(onHigh!), '{"n":1}');
        assert.equal(bodyOf(onLow!), '{"n":2}');
        const attributes = onHigh!.attributes!;
        assert.deepEqual(Object.keys(attributes).sort(), ["queuestack-correlation-id", "queuestack-enqueued-at", "queuestack-job-id"]);
        assert.equal(attributes["queuestack-job-id"], high.body.messageId);
        assert.equal(attributes["queuestack-correlation-id"], "order-7");
        assert.ok(Math.abs(Date.parse(attributes["queuestack-enqueued-at"]!) - Date.now()) < 10_000);
        assert.equal(onLow!.attributes!["queuestack-correlation-id"], low.body.messageId, "the job id stands in for a missing correlation id");
    });

    it("refuses an unknown level listing the levels, and publishes nothing", async () => {
        const answer = await send("/queues/work/messages", { n: 3 }, { "x-priority": "urgent" });
        assert.deepEqual(answer, {
            status: 400,
            body: { error: 'Queue "work" has no priority level "urgent". Its levels, highest first: high, low. Send one of them in the x-priority header or the priority query parameter, or none for the default (low).' },
        });
        assert.deepEqual([...(await drain(queues.high.subscription)), ...(await drain(queues.low.subscription))], []);
    });

    it("schedules a delayed message as a Cloud Tasks task that publishes to the level topic with the delay account's token, and publishes nothing now", async () => {
        const before = Date.now();
        const answer = await send("/queues/work/messages", { n: 4 }, { "x-priority": "high" }, { delaySeconds: "3600" });
        assert.equal(answer.status, 202);
        assert.equal(tasks.requests.length, 1);
        const [request] = tasks.requests;
        assert.equal(request!.method, "POST");
        assert.equal(request!.url, `/v2/${taskQueue}/tasks`);
        const { task } = JSON.parse(request!.body.toString());
        const due = Date.parse(task.scheduleTime);
        assert.ok(due >= before + 3_600_000 && due <= Date.now() + 3_600_000, task.scheduleTime);
        const publishRequest = JSON.parse(Buffer.from(task.httpRequest.body, "base64").toString());
        assert.deepEqual({ ...task.httpRequest, body: publishRequest }, {
            httpMethod: "POST",
            url: `https://pubsub.googleapis.com/v1/${queues.high.topic}:publish`,
            headers: { "Content-Type": "application/json" },
            body: { messages: [{ data: Buffer.from('{"n":4}').toString("base64"), attributes: publishRequest.messages[0].attributes }] },
            oauthToken: { serviceAccountEmail: delayAccount, scope: "https://www.googleapis.com/auth/pubsub" },
        });
        assert.equal(publishRequest.messages[0].attributes["queuestack-job-id"], answer.body.messageId);
        assert.deepEqual(await drain(queues.high.subscription), []);
        const over = await send("/queues/work/messages", { n: 5 }, { "x-delay-seconds": "86401" });
        assert.deepEqual(over, { status: 400, body: { error: 'Delay of 86401 s is over queue "work"\'s limit of 86400 s (spec queues[].maxDelaySeconds). Send 0 to 86400, or raise queues[].maxDelaySeconds.' } });
        assert.equal(tasks.requests.length, 1);
    });

    it("answers 502 with the ids already accepted when scheduling fails part-way, and 500 when nothing went out", async () => {
        tasksAccepted = 1;
        try {
            const partial = await send("/queues/work/messages", [{ n: 8 }, { n: 9 }], { "x-delay-seconds": "30" });
            assert.equal(partial.status, 502);
            assert.equal(partial.body.messageIds.length, 1);
            assert.match(partial.body.error, /^Enqueueing failed after 1 of 2 messages were accepted \(POST .*: try later\)\. Retry the rest\.$/);
            tasksAccepted = 0;
            tasks.requests.length = 0;
            assert.deepEqual(await send("/queues/work/messages", { n: 10 }, { "x-delay-seconds": "30" }), { status: 500, body: { error: "The front end failed; see its logs." } });
        } finally {
            tasksAccepted = Infinity;
        }
    });

    it("claim-checks a delayed body that would not fit in a Cloud Tasks task (100 KB), even under the queue's limit", async () => {
        const handlerWithRoom = createFrontEndHandler({
            queues: { work: { levels: [{ topic: queues.low.topic }], ordered: false, maxDelaySeconds: 60, maxMessageKb: 1024 } },
            maxBodyBytes: 1024 * 1024,
            pubsub,
            delay: { api: googleApi({ baseUrl: "https://cloudtasks.googleapis.com", version: "v2", emulatorHost: tasks.host }), settings: { queue: taskQueue, serviceAccountEmail: delayAccount } },
            blobStore: new GcsBlobStore(storageFetch({ STORAGE_EMULATOR_HOST: storage.host }), "shop-bodies"),
            jobs: { getJob: async () => undefined, putJob: async () => {} },
            logger,
            newJobId: () => "job-delayed-big",
        });
        const { res, answer } = response();
        const big = { blob: "z".repeat(70 * 1024) };
        await handlerWithRoom({ method: "POST", path: "/queues/work/messages", headers: { "x-delay-seconds": "30" }, rawBody: Buffer.from(JSON.stringify(big)) }, res);
        assert.equal(answer.status, 202);
        assert.ok(tasks.requests[0]!.body.length < 100 * 1024, `task of ${tasks.requests[0]!.body.length} bytes`);
        const published = JSON.parse(Buffer.from(JSON.parse(tasks.requests[0]!.body.toString()).task.httpRequest.body, "base64").toString());
        assert.equal(JSON.parse(bodyOf(published.messages[0])).queuestackClaimCheck.key, "work/job-delayed-big");
        assert.equal(objects.get("shop-bodies/work/job-delayed-big")!.toString(), JSON.stringify(big));
    });

    it("claim-checks a body over the queue's limit into the bucket and publishes the reference", async () => {
        const big = { blob: "y".repeat(10_000) };
        const answer = await send("/queues/work/messages", big);
        const [message] = await drain(queues.low.subscription);
        const reference = JSON.parse(bodyOf(message!)).queuestackClaimCheck;
        assert.equal(reference.key, `work/${answer.body.messageId}`);
        assert.equal(objects.get(`shop-bodies/work/${answer.body.messageId}`)!.toString(), JSON.stringify(big));
    });

    it("takes group keys and deduplication ids from the body of a fifo queue", async () => {
        await send("/queues/audit/messages", [{ account: "a-1", eventId: "e-1" }, { account: "a-1", eventId: "e-2" }]);
        const messages = await drain(queues.fifo.subscription);
        assert.deepEqual(messages.map((m) => [m.orderingKey, m.attributes!["queuestack-deduplication-id"]]).sort(), [["a-1", "e-1"], ["a-1", "e-2"]]);
    });

    it("publishes a fan-out event once, and each subscription gets one copy", async () => {
        const answer = await send("/topics/events", { order: 9 });
        assert.equal(answer.status, 202);
        for (const subscription of ["fp-events-one", "fp-events-two"]) {
            const messages = await drain(`${project}/subscriptions/${subscription}`);
            assert.deepEqual(messages.map(bodyOf), ['{"order":9}'], subscription);
        }
        assert.deepEqual(await send("/topics/nope", {}), { status: 404, body: { error: 'Unknown topic "nope". Known topics: events.' } });
        assert.deepEqual(await send("/topics/constructor", {}), { status: 404, body: { error: 'Unknown topic "constructor". Known topics: events.' } });
        assert.deepEqual(await send("/queues/constructor/messages", {}), { status: 404, body: { error: 'Unknown queue "constructor". Known queues: audit, work.' } });
    });

    it("waits for the result when asked, and refuses a wait over the limit before publishing", async () => {
        const pending = send("/queues/work/messages", { n: 6 }, { prefer: "wait=3", "x-correlation-id": "c-6" });
        await new Promise((resolve) => setTimeout(resolve, 300));
        const [message] = await drain(queues.low.subscription);
        const id = message!.attributes!["queuestack-job-id"]!;
        records.set(id, { status: "done", result: { doubled: 12 }, at: new Date("2026-11-22T10:00:00Z") });
        assert.deepEqual(await pending, { status: 200, body: { correlationId: "c-6", id, status: "done", result: { doubled: 12 }, at: "2026-11-22T10:00:00.000Z" } });
        const over = await send("/queues/work/messages", { n: 7 }, {}, { wait: "6" });
        assert.equal(over.status, 400);
        assert.deepEqual(await drain(queues.low.subscription), []);
    });
});
