import { strict as assert } from "node:assert";
import { createLogger, defineWorker, PermanentError } from "../../../workers/runtime";
import { createFrontEndHandler } from "../../../workers/gcp/front-end-handler";
import type { GoogleApiCall } from "../../../workers/gcp/google-api";
import { PubsubPoller } from "../../../workers/gcp/poller";
import { acknowledge, publish, pull } from "../../../workers/gcp/pubsub-api";
import { gcpWorkerFromEnv } from "../../../workers/gcp/worker-setup";
import { useEmulators } from "./emulators";
import { createQueue, response, workerEnv } from "./pubsub-fixtures";

const logger = createLogger({ name: "pubsub-test", level: "silent" });
/** Pull options for checks that must not wait. */
const now = { returnImmediately: true };

describe("gcp front end and VM poller (Pub/Sub and Firestore emulators)", function () {
    this.timeout(120_000);
    const emulators = useEmulators();
    let pubsub: GoogleApiCall;
    let firestore: GoogleApiCall;

    const queue = (name: string, options: { ordered?: boolean } = {}) => createQueue(pubsub, name, options);

    before(() => {
        ({ pubsub, firestore } = emulators);
    });

    describe("front end", () => {
        let scrape: Awaited<ReturnType<typeof queue>>;
        let publishQueue: Awaited<ReturnType<typeof queue>>;
        const jobs = { getJob: async (id: string) => (id === "known" ? { status: "done" as const, result: { ok: true }, at: new Date("2026-01-01T00:00:00Z") } : undefined), putJob: async () => {} };
        const handler = () =>
            createFrontEndHandler({
                queues: {
                    scrape: { levels: [{ topic: scrape.topic }], ordered: false, maxDelaySeconds: 0, maxMessageKb: 256 },
                    publish: { levels: [{ topic: publishQueue.topic }], ordered: true, maxDelaySeconds: 0, maxMessageKb: 256 },
                },
                apiKey: "k3y",
                maxBodyBytes: 64,
                pubsub,
                jobs,
                logger,
            });
        const post = (path: string, body: string, headers: Record<string, string> = { "x-api-key": "k3y" }) => ({ method: "POST", path, headers, rawBody: Buffer.from(body) });

        before(async () => {
            scrape = await queue("intake");
            publishQueue = await queue("intake-ordered", { ordered: true });
        });

        it("publishes one message per item and answers 202 with the ids in order", async () => {
            const { res, answer } = response();
            await handler()(post("/queues/scrape/messages", '[{"url":"a"},{"url":"b"}]'), res);
            assert.equal(answer.status, 202);
            assert.equal(answer.body.messageIds.length, 2);
            const received = await pull(pubsub, scrape.subscription, 10);
            const bodies = new Map(received.map((r) => [r.message.attributes?.["queuestack-job-id"], Buffer.from(r.message.data!, "base64").toString()]));
            assert.deepEqual(answer.body.messageIds.map((id: string) => bodies.get(id)), ['{"url":"a"}', '{"url":"b"}']);
            await acknowledge(pubsub, scrape.subscription, received.map((r) => r.ackId));
        });

        it("rejects without publishing: no key, oversize body, unknown queue, FIFO without group key", async () => {
            const cases: [ReturnType<typeof post>, number, string][] = [
                [post("/queues/scrape/messages", "{}", {}), 401, "Missing x-api-key header. Send the stack's API key in the x-api-key header."],
                [post("/queues/scrape/messages", JSON.stringify({ url: "x".repeat(80) })), 413, "Request body is 90 bytes; the limit is 64 bytes (spec frontEnd.maxBodyKb). Split the batch into smaller requests."],
                [post("/queues/nope/messages", "{}"), 404, 'Unknown queue "nope". Known queues: publish, scrape.'],
                [post("/queues/publish/messages", "{}"), 400, 'Queue "publish" is FIFO: send a group key in the x-group-key header or the groupKey query parameter.'],
            ];
            for (const [request, status, error] of cases) {
                const { res, answer } = response();
                await handler()(request, res);
                assert.deepEqual(answer, { status, body: { error } });
            }
            assert.deepEqual(await pull(pubsub, scrape.subscription, 10, now), []);
            assert.deepEqual(await pull(pubsub, publishQueue.subscription, 10, now), []);
        });

        it("publishes FIFO messages with the group key as ordering key", async () => {
            const { res, answer } = response();
            await handler()({ ...post("/queues/publish/messages", '{"n":1}'), query: { groupKey: "customer-7" } }, res);
            assert.equal(answer.status, 202);
            const [received] = await pull(pubsub, publishQueue.subscription, 10);
            assert.equal(received.message.orderingKey, "customer-7");
            await acknowledge(pubsub, publishQueue.subscription, [received.ackId]);
        });

        it("returns job records", async () => {
            const known = response();
            await handler()({ method: "GET", path: "/jobs/known", headers: { "x-api-key": "k3y" } }, known.res);
            assert.deepEqual(known.answer, { status: 200, body: { id: "known", status: "done", result: { ok: true }, at: "2026-01-01T00:00:00.000Z" } });
            const missing = response();
            await handler()({ method: "GET", path: "/jobs/other", headers: { "x-api-key": "k3y" } }, missing.res);
            assert.equal(missing.answer.status, 404);
        });
    });

    describe("VM poller", () => {
        it("processes every message once, acks the good ones and lets Pub/Sub dead-letter a poison one after 5 attempts", async () => {
            const work = await queue("poll");
            const runs: number[] = [];
            const worker = defineWorker<{ n: number }>({
                async handle({ body }) {
                    runs.push(body.n);
                    if (body.n === 3) throw new PermanentError("item 3 is broken");
                    return { doubled: body.n * 2 };
                },
            });
            const env = workerEnv("poll");
            const { processor, store } = gcpWorkerFromEnv({ default: worker }, env, logger, firestore);
            const ids = await publish(pubsub, work.topic, [1, 2, 3, 4].map((n) => ({ body: JSON.stringify({ n }) })));
            const poller = new PubsubPoller({ processor, api: pubsub, levels: [{ weight: 1, subscriptions: [work.subscription] }], logger, concurrency: 2, ackDeadlineSeconds: 10, drainSeconds: 5, idleMs: 100 });
            const running = poller.run();
            let deadLettered: Awaited<ReturnType<typeof pull>> = [];
            for (let i = 0; i < 100 && deadLettered.length === 0; i++) {
                await new Promise((resolve) => setTimeout(resolve, 200));
                deadLettered = await pull(pubsub, work.deadLetterSubscription, 10, now);
            }
            poller.stop();
            await running;
            assert.deepEqual(deadLettered.map((d) => Buffer.from(d.message.data!, "base64").toString()), ['{"n":3}']);
            assert.deepEqual(runs.sort(), [1, 2, 3, 4], "the handler ran once per message; redeliveries of the poison one fail fast");
            assert.equal(poller.counts.acked, 3);
            assert.equal(poller.counts.nacked, 5);
            assert.deepEqual((await store.getJob(ids[0]))?.status, "done");
            assert.deepEqual((await store.getJob(ids[2]))?.status, "dead-letter");
        });
    });
});
