import { strict as assert } from "node:assert";
import { createLogger, defineWorker, PermanentError } from "../../../workers/runtime";
import { createPushHandler, type HttpResponse } from "../../../workers/gcp/push-handler";
import { gcpWorkerFromEnv } from "../../../workers/gcp/worker-setup";
import { type Emulator, gcloudAvailable, startEmulator } from "./emulators";
import { workerEnv } from "./pubsub-fixtures";

/** Records what the handler answered. */
function response() {
    const answer: { status?: number; body?: unknown } = {};
    const res: HttpResponse = {
        status(code) {
            answer.status = code;
            return res;
        },
        json(body) {
            answer.body = body;
            return res;
        },
    };
    return { res, answer };
}

const delivery = (messageId: string, body: unknown, deliveryAttempt = 1) => ({
    method: "POST",
    body: {
        message: { messageId, publishTime: "2026-01-01T00:00:00Z", data: Buffer.from(JSON.stringify(body)).toString("base64"), attributes: {} },
        subscription: "projects/push-test/subscriptions/portfolio-dev-scrape",
        deliveryAttempt,
    },
});

describe("gcp push handler (Firestore emulator)", function () {
    this.timeout(90_000);
    let emulator: Emulator | undefined;
    const runs: string[] = [];
    const worker = defineWorker<{ url: string; fail?: "retry" | "permanent" }>({
        idempotencyKey: "body.url",
        async handle({ body }) {
            runs.push(body.url);
            if (body.fail === "retry") throw new Error("upstream timed out");
            if (body.fail === "permanent") throw new PermanentError("404 Not Found");
            return { title: `title of ${body.url}` };
        },
    });
    const handler = () => {
        const env = { FIRESTORE_EMULATOR_HOST: emulator!.hostPort, ...workerEnv("scrape", "push-test") };
        const logger = createLogger({ name: "push-test", level: "silent" });
        const setup = gcpWorkerFromEnv({ default: worker }, env, logger);
        return { handle: createPushHandler(setup.processor, logger), store: setup.store };
    };

    before(async function () {
        if (!gcloudAvailable()) this.skip();
        emulator = await startEmulator("firestore");
    });
    after(() => emulator?.stop());
    beforeEach(() => (runs.length = 0));

    it("acks a processed delivery with 200 and stores the result", async () => {
        const { handle, store } = handler();
        const { res, answer } = response();
        await handle(delivery("101", { url: "https://example.com/a" }), res);
        assert.deepEqual(answer, { status: 200, body: { outcome: "done" } });
        assert.deepEqual(runs, ["https://example.com/a"]);
        const job = await store.getJob("101");
        assert.equal(job?.status, "done");
    });

    it("acks a second delivery of the same work without running the handler again", async () => {
        const { handle } = handler();
        await handle(delivery("201", { url: "https://example.com/b" }), response().res);
        const { res, answer } = response();
        await handle(delivery("202", { url: "https://example.com/b" }), res);
        assert.deepEqual(answer, { status: 200, body: { outcome: "duplicate" } });
        assert.deepEqual(runs, ["https://example.com/b"]);
    });

    it("nacks a failed attempt with 503 so Pub/Sub redelivers with backoff", async () => {
        const { handle } = handler();
        const { res, answer } = response();
        await handle(delivery("301", { url: "https://example.com/c", fail: "retry" }), res);
        assert.equal(answer.status, 503);
        assert.equal((answer.body as { outcome: string }).outcome, "retry");
        assert.match((answer.body as { reason: string }).reason, /upstream timed out/);
    });

    it("refuses a permanent failure with 500 and fails later attempts fast, without the handler", async () => {
        const { handle } = handler();
        const first = response();
        await handle(delivery("401", { url: "https://example.com/d", fail: "permanent" }), first.res);
        assert.equal(first.answer.status, 500);
        assert.equal((first.answer.body as { outcome: string }).outcome, "dead-letter");
        const again = response();
        await handle(delivery("401", { url: "https://example.com/d", fail: "permanent" }, 2), again.res);
        assert.deepEqual(again.answer, { status: 500, body: { outcome: "dead-letter", reason: (first.answer.body as { reason: string }).reason } });
        assert.deepEqual(runs, ["https://example.com/d"]);
    });

    it("rejects a request that is not a push delivery with 400, and other methods with 405", async () => {
        const { handle } = handler();
        const bad = response();
        await handle({ method: "POST", body: { hello: "world" } }, bad.res);
        assert.deepEqual(bad.answer, { status: 400, body: { error: "Not a Pub/Sub push delivery: the request body has no message.messageId." } });
        const get = response();
        await handle({ method: "GET" }, get.res);
        assert.equal(get.answer.status, 405);
        assert.deepEqual(runs, []);
    });
});
