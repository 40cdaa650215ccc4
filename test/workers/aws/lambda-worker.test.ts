import { strict as assert } from "node:assert";
import { defineWorker, PermanentError, type Message } from "../../../workers/runtime";
import { createLambdaHandler } from "../../../workers/aws/lambda-handler";
import { awsWorkerFromEnv } from "../../../workers/aws/worker-setup";
import { capturedLogger } from "../helpers/capture-logs";
import { createQueueWithDlq, createTable, useMoto, type Moto } from "../helpers/moto";
import { depth, eventRecord, pollLikeLambda, receive, send } from "../helpers/sqs";

const tableName = "portfolio-lambda";

/** The environment the lead's component sets on the worker Lambda. */
const envFor = (queueUrl: string, key = "messageId") => ({
    QUEUESTACK_QUEUE_URL: queueUrl,
    QUEUESTACK_TABLE_NAME: tableName,
    QUEUESTACK_IDEMPOTENCY_ENABLED: "true",
    QUEUESTACK_IDEMPOTENCY_KEY: key,
    QUEUESTACK_IDEMPOTENCY_TTL_HOURS: "24",
    QUEUESTACK_RESULT_TTL_DAYS: "30",
    QUEUESTACK_VISIBILITY_TIMEOUT_SECONDS: "1",
    QUEUESTACK_WORKER_TIMEOUT_SECONDS: "5",
});

/** A Lambda handler over moto for `worker`, as lambda-worker.ts builds it from the environment. */
function lambdaFor(moto: Moto, queueUrl: string, worker: unknown, key?: string) {
    const { logger } = capturedLogger();
    const aws = awsWorkerFromEnv({ default: worker }, envFor(queueUrl, key), logger, { sqs: moto.sqs, dynamodb: moto.dynamodb });
    const handler = createLambdaHandler({ processor: aws.processor, sqs: aws.sqs, queueUrl, logger });
    return { handler: (event: Parameters<typeof handler>[0]) => handler(event, { getRemainingTimeInMillis: () => 30_000 }), store: aws.store };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("aws: Lambda worker (SQS event -> partial batch response) on moto", function () {
    this.timeout(30_000);
    const moto = useMoto();
    before(async () => createTable(moto(), tableName));

    it("reports exactly the failed records and records each outcome in DynamoDB", async () => {
        const { url } = await createQueueWithDlq(moto(), "lambda-batch", { maxReceiveCount: 5, visibilityTimeoutSeconds: 30 });
        const ran: number[] = [];
        const worker = defineWorker<{ n: number }>({
            handle({ body: { n } }) {
                ran.push(n);
                if (n === 4) throw new PermanentError("item 4 can never work");
                if (n % 2 === 1) throw new Error(`item ${n} is flaky`);
                return { doubled: n * 2 };
            },
        });
        const ids = new Map<number, string>();
        for (let n = 0; n < 6; n++) ids.set(n, await send(moto(), url, { n }));
        const { handler, store } = lambdaFor(moto(), url, worker);

        const poll = await pollLikeLambda(moto(), url, handler);
        assert.equal(poll?.received.length, 6);
        const failed = poll!.response.batchItemFailures.map((f) => f.itemIdentifier).sort();
        assert.deepEqual(failed, [1, 3, 4, 5].map((n) => ids.get(n)!).sort());
        assert.deepEqual(ran.sort(), [0, 1, 2, 3, 4, 5]);

        assert.deepEqual({ ...(await store.getJob(ids.get(2)!)), at: undefined }, { status: "done", result: { doubled: 4 }, at: undefined });
        assert.deepEqual({ ...(await store.getJob(ids.get(4)!)), at: undefined }, { status: "dead-letter", reason: "item 4 can never work", attempt: 1, at: undefined });
        assert.deepEqual({ ...(await store.getJob(ids.get(3)!)), at: undefined }, { status: "retrying", reason: "Error: item 3 is flaky", attempt: 1, at: undefined });
        // The dead-lettered record was made visible again at once; the flaky ones wait out their visibility.
        const again = await receive(moto(), url);
        assert.deepEqual(again.map((m) => m.MessageId), [ids.get(4)]);
    });

    it("suppresses a redelivery of a message whose effect is stored (crash before delete)", async () => {
        const { url } = await createQueueWithDlq(moto(), "lambda-redeliver", { maxReceiveCount: 5, visibilityTimeoutSeconds: 1 });
        let runs = 0;
        const worker = defineWorker({ handle: () => ++runs });
        const { handler } = lambdaFor(moto(), url, worker);
        await send(moto(), url, { job: 1 });

        // First delivery: processed, but the function dies before the mapping deletes it.
        const [first] = await receive(moto(), url);
        await handler({ Records: [eventRecord(first)] });
        await sleep(1100);
        const second = await pollLikeLambda(moto(), url, handler, 2);
        assert.equal(second?.received[0].Attributes?.ApproximateReceiveCount, "2");
        assert.deepEqual(second?.response, { batchItemFailures: [] });
        assert.equal(runs, 1);
        assert.equal(await depth(moto(), url), 0);
    });

    it("keeps FIFO order: after a failure in a group, that group's later records are not run", async () => {
        const { url } = await createQueueWithDlq(moto(), "lambda-ordered", { maxReceiveCount: 5, visibilityTimeoutSeconds: 30, fifo: true });
        const ran: string[] = [];
        const worker = defineWorker<{ id: string }>({
            handle(message: Message<{ id: string }>) {
                ran.push(message.body.id);
                if (message.body.id === "a1") throw new Error("a1 failed");
            },
        });
        const ids: Record<string, string> = {};
        for (const [id, group] of [["a1", "A"], ["b1", "B"], ["a2", "A"], ["b2", "B"], ["a3", "A"]]) {
            ids[id] = await send(moto(), url, { id }, { groupKey: group });
        }
        const { handler } = lambdaFor(moto(), url, worker);
        const poll = await pollLikeLambda(moto(), url, handler);
        assert.equal(poll?.received.length, 5);
        assert.deepEqual(poll!.response.batchItemFailures.map((f) => f.itemIdentifier), [ids.a1, ids.a2, ids.a3]);
        // Groups run side by side, so only the order within each group is fixed.
        assert.deepEqual(ran.filter((id) => id.startsWith("a")), ["a1"]);
        assert.deepEqual(ran.filter((id) => id.startsWith("b")), ["b1", "b2"]);
        assert.equal(ran.length, 3);
    });

    it("moves a poison message to the DLQ after maxReceiveCount with body and attributes intact, reason in the datastore", async () => {
        const { url, dlqUrl } = await createQueueWithDlq(moto(), "lambda-poison", { maxReceiveCount: 3, visibilityTimeoutSeconds: 1 });
        let runs = 0;
        const worker = defineWorker({
            handle: () => {
                runs++;
                throw new Error("GET http://127.0.0.1:9/broken failed: ECONNREFUSED");
            },
        });
        const body = { url: "http://127.0.0.1:9/broken", note: "ünïcode ✓" };
        const id = await send(moto(), url, body, { attributes: { source: "test-suite" } });
        const { handler, store } = lambdaFor(moto(), url, worker);

        for (let polls = 0; polls < 10 && (await depth(moto(), dlqUrl)) === 0; polls++) {
            await pollLikeLambda(moto(), url, handler, 2);
        }
        assert.equal(runs, 3, "the handler runs once per delivery, maxReceiveCount times");
        assert.equal(await depth(moto(), url), 0);
        const [dead] = await receive(moto(), dlqUrl);
        assert.equal(dead.MessageId, id);
        assert.equal(dead.Body, JSON.stringify(body));
        assert.equal(dead.MessageAttributes?.source?.StringValue, "test-suite");
        const job = await store.getJob(id);
        assert.deepEqual({ ...job, at: undefined }, { status: "retrying", reason: "Error: GET http://127.0.0.1:9/broken failed: ECONNREFUSED", attempt: 3, at: undefined });
    });

    it("fails fast for a PermanentError: the handler runs once, the message reaches the DLQ without waiting out visibility", async () => {
        const { url, dlqUrl } = await createQueueWithDlq(moto(), "lambda-permanent", { maxReceiveCount: 3, visibilityTimeoutSeconds: 60 });
        let runs = 0;
        const worker = defineWorker({
            handle: () => {
                runs++;
                throw new PermanentError("http://127.0.0.1/file.pdf is application/pdf, not an HTML page");
            },
        });
        const id = await send(moto(), url, { url: "http://127.0.0.1/file.pdf" });
        const { handler, store } = lambdaFor(moto(), url, worker);
        const started = Date.now();
        for (let polls = 0; polls < 6 && (await depth(moto(), dlqUrl)) === 0; polls++) await pollLikeLambda(moto(), url, handler);
        assert.ok(Date.now() - started < 10_000);
        assert.equal(runs, 1);
        const [dead] = await receive(moto(), dlqUrl);
        assert.equal(dead.MessageId, id);
        assert.equal((await store.getJob(id))?.status, "dead-letter");
    });

    it("fails to start with a clear error when the module does not export a worker", () => {
        assert.throws(() => lambdaFor(moto(), "http://127.0.0.1/q", { handle: () => 1 }), {
            message: "The worker module (spec workers[].code) does not export a worker (got object). Add `export default defineWorker({ handle(message, context) { ... } })`.",
        });
    });
});
