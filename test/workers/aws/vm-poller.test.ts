import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { bundleWorker, workerEntries } from "../../../components/build/bundle";
import { ChangeMessageVisibilityCommand, ReceiveMessageCommand, type ReceiveMessageCommandOutput, type SQSClient } from "@aws-sdk/client-sqs";
import { SqsPoller } from "../../../workers/aws/poller";
import { awsWorkerFromEnv } from "../../../workers/aws/worker-setup";
import { defineWorker, type WorkerDefinition } from "../../../workers/runtime";
import { capturedLogger } from "../helpers/capture-logs";
import { createQueueWithDlq, createTable, useMoto, type Moto } from "../helpers/moto";
import { depth, receive, send } from "../helpers/sqs";

const tableName = "portfolio-vm";

const workerEnv = (queueUrl: string, visibility: number) => ({
    QUEUESTACK_QUEUE_URL: queueUrl,
    QUEUESTACK_TABLE_NAME: tableName,
    QUEUESTACK_IDEMPOTENCY_ENABLED: "true",
    QUEUESTACK_IDEMPOTENCY_KEY: "messageId",
    QUEUESTACK_IDEMPOTENCY_TTL_HOURS: "24",
    QUEUESTACK_RESULT_TTL_DAYS: "30",
    QUEUESTACK_VISIBILITY_TIMEOUT_SECONDS: String(visibility),
    QUEUESTACK_WORKER_TIMEOUT_SECONDS: "10",
});

/** Pollers made by a test; stopped after it even when it fails, so none outlives its test. */
const pollers: SqsPoller[] = [];

/** How many deliveries the processor ended with each outcome kind ("done", "duplicate", "retry", ...). */
type Outcomes = Record<string, number>;

function pollerFor(moto: Moto, queueUrl: string, worker: WorkerDefinition<any>, options: { concurrency: number; visibility: number; drainSeconds?: number; outcomes?: Outcomes; sqs?: SQSClient }) { // eslint-disable-line @typescript-eslint/no-explicit-any
    const { logger } = capturedLogger();
    const aws = awsWorkerFromEnv(worker, workerEnv(queueUrl, options.visibility), logger, { sqs: moto.sqs, dynamodb: moto.dynamodb });
    const outcomes = options.outcomes;
    const poller = new SqsPoller({
        processor: outcomes
            ? async (raw) => {
                  const outcome = await aws.processor(raw);
                  outcomes[outcome.kind] = (outcomes[outcome.kind] ?? 0) + 1;
                  return outcome;
              }
            : aws.processor,
        sqs: options.sqs ?? moto.sqs,
        queueUrl,
        logger,
        concurrency: options.concurrency,
        visibilityTimeoutSeconds: options.visibility,
        waitSeconds: 1,
        drainSeconds: options.drainSeconds ?? 5,
    });
    pollers.push(poller);
    return poller;
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string | (() => string)) {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === "string" ? what : what()}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
    }
}

/**
 * moto's SQS client, except that the first receive that returns a message returns it twice: the
 * message as received, and again as a second receive (made visible, received anew, so with its own
 * receipt handle) returns it. What SQS's at-least-once delivery may do to receives side by side.
 */
function deliveringFirstTwice(moto: Moto): SQSClient {
    let duplicated = false;
    const send = async (command: unknown): Promise<unknown> => {
        const out = (await moto.sqs.send(command as ReceiveMessageCommand)) as ReceiveMessageCommandOutput;
        const [first] = out.Messages ?? [];
        if (!(command instanceof ReceiveMessageCommand) || duplicated || !first) return out;
        duplicated = true;
        const url = command.input.QueueUrl!;
        await moto.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: first.ReceiptHandle!, VisibilityTimeout: 0 }));
        const again = await moto.sqs.send(new ReceiveMessageCommand({ ...command.input, WaitTimeSeconds: 0 }));
        assert.deepEqual(again.Messages?.map((m) => m.MessageId), [first.MessageId]);
        return { ...out, Messages: [first, ...again.Messages!] };
    };
    return new Proxy(moto.sqs, { get: (target, name, receiver) => (name === "send" ? send : Reflect.get(target, name, receiver)) });
}

async function sendBatch(moto: Moto, url: string, bodies: unknown[]): Promise<string[]> {
    return Promise.all(bodies.map((body) => send(moto, url, body)));
}

describe("aws: VM poller on moto SQS", function () {
    this.timeout(40_000);
    const moto = useMoto();
    before(async () => createTable(moto(), tableName));
    afterEach(async () => {
        await Promise.all(pollers.splice(0).map((poller) => poller.stop()));
    });

    it("drains N messages with more than 10 in flight: exact counts, each effect once, nothing left", async () => {
        const { url } = await createQueueWithDlq(moto(), "vm-drain", { maxReceiveCount: 5, visibilityTimeoutSeconds: 30 });
        const total = 100;
        await sendBatch(moto(), url, Array.from({ length: total }, (_, n) => ({ n })));
        const effects = new Map<number, number>();
        let running = 0;
        let peak = 0;
        const worker = defineWorker<{ n: number }>({
            async handle({ body: { n } }) {
                running++;
                peak = Math.max(peak, running);
                await new Promise((resolve) => setTimeout(resolve, 50));
                effects.set(n, (effects.get(n) ?? 0) + 1);
                running--;
            },
        });
        const outcomes: Outcomes = {};
        const poller = pollerFor(moto(), url, worker, { concurrency: 30, visibility: 30, outcomes });
        const run = poller.run();
        await until(() => outcomes.done === total && poller.counts.deleted >= total, 20_000, () => `${total} messages done and deleted (outcomes ${JSON.stringify(outcomes)}, counts ${JSON.stringify(poller.counts)})`);
        const counts = await poller.stop();
        await run;

        // Delivery is at least once: two receives side by side can return the same message (moto does,
        // like SQS, even within the visibility timeout). The idempotency guard refuses an extra
        // delivery while the first runs (retry) and answers it from the stored result once done
        // (duplicate, deleted): the handler never runs twice. Every delivery is accounted for.
        const { done = 0, duplicate = 0, retry = 0, ...others } = outcomes;
        assert.deepEqual({ done, others }, { done: total, others: {} });
        assert.deepEqual(counts, { received: total + duplicate + retry, deleted: total + duplicate, retried: retry, deadLettered: 0, returnedOnStop: 0 });
        assert.equal(effects.size, total);
        assert.deepEqual([...effects.values()].filter((times) => times !== 1), []);
        assert.ok(peak > 10 && peak <= 30, `peak concurrency ${peak} should exceed 10 and stay within 30`);
        assert.equal(await depth(moto(), url), 0);
    });

    it("holds both copies of a message delivered twice: the handler runs once, and stop waits for the copy that runs it", async () => {
        const { url } = await createQueueWithDlq(moto(), "vm-twice", { maxReceiveCount: 5, visibilityTimeoutSeconds: 30 });
        const id = await send(moto(), url, { n: 1 });
        let release!: () => void;
        const gate = new Promise<void>((resolve) => (release = resolve));
        let started = 0;
        let finished = 0;
        const worker = defineWorker({
            async handle() {
                started++;
                await gate;
                finished++;
            },
        });
        const outcomes: Outcomes = {};
        const poller = pollerFor(moto(), url, worker, { concurrency: 4, visibility: 30, drainSeconds: 60, outcomes, sqs: deliveringFirstTwice(moto()) });
        const run = poller.run();
        // One copy runs the handler; the guard refuses the other while it does.
        await until(() => started === 1 && outcomes.retry === 1, 10_000, () => `one copy running, one refused (outcomes ${JSON.stringify(outcomes)})`);
        const stopped = poller.stop();
        // Still draining a second later: the refused copy's end must not make the running one look finished.
        const early = await Promise.race([stopped.then(() => "stopped"), new Promise((resolve) => setTimeout(() => resolve("draining"), 1000))]);
        assert.equal(early, "draining");
        release();
        const counts = await stopped;
        await run;
        assert.deepEqual({ started, finished, outcomes }, { started: 1, finished: 1, outcomes: { done: 1, retry: 1 } });
        assert.deepEqual(counts, { received: 2, deleted: 1, retried: 1, deadLettered: 0, returnedOnStop: 0 });
        assert.equal(await depth(moto(), url), 0, `message ${id} deleted`);
    });

    it("keeps long work invisible with a heartbeat: no second delivery while it runs", async () => {
        const { url } = await createQueueWithDlq(moto(), "vm-heartbeat", { maxReceiveCount: 5, visibilityTimeoutSeconds: 2 });
        await send(moto(), url, { n: 1 });
        let runs = 0;
        const worker = defineWorker({
            async handle() {
                runs++;
                await new Promise((resolve) => setTimeout(resolve, 4500));
            },
        });
        const poller = pollerFor(moto(), url, worker, { concurrency: 2, visibility: 2 });
        const run = poller.run();
        await until(() => poller.counts.received === 1, 5000, "the first receive");
        // Past the 2 s visibility timeout: without the heartbeat the message would be visible again.
        await new Promise((resolve) => setTimeout(resolve, 3000));
        assert.deepEqual(await receive(moto(), url), []);
        await until(() => poller.counts.deleted === 1, 5000, "the delete");
        await poller.stop();
        await run;
        assert.equal(runs, 1);
        assert.equal(poller.counts.received, 1);
        assert.equal(await depth(moto(), url), 0);
    });

    it("on stop, finishes quick messages and returns unfinished ones to the queue at once", async () => {
        const { url } = await createQueueWithDlq(moto(), "vm-stop", { maxReceiveCount: 5, visibilityTimeoutSeconds: 60 });
        let release!: () => void;
        const gate = new Promise<void>((resolve) => (release = resolve));
        const worker = defineWorker<{ slow: boolean }>({
            async handle({ body }) {
                if (body.slow) await gate;
            },
        });
        const ids = await sendBatch(moto(), url, [{ slow: false }, { slow: true }, { slow: false }, { slow: true }]);
        const poller = pollerFor(moto(), url, worker, { concurrency: 10, visibility: 60, drainSeconds: 1 });
        const run = poller.run();
        await until(() => poller.counts.received === 4 && poller.counts.deleted === 2, 10_000, "two quick messages done");
        const counts = await poller.stop();
        await run;
        assert.deepEqual(counts, { received: 4, deleted: 2, retried: 0, deadLettered: 0, returnedOnStop: 2 });

        const returned = await receive(moto(), url);
        assert.deepEqual(returned.map((m) => m.MessageId).sort(), [ids[1], ids[3]].sort());
        assert.deepEqual(returned.map((m) => JSON.parse(m.Body!)), [{ slow: true }, { slow: true }]);
        release();
    });

    it("runs each FIFO group in order and holds a group's later messages after a failure", async () => {
        const { url } = await createQueueWithDlq(moto(), "vm-ordered", { maxReceiveCount: 5, visibilityTimeoutSeconds: 30, fifo: true });
        const finished: string[] = [];
        const worker = defineWorker<{ id: string; ms: number }>({
            async handle({ body }) {
                await new Promise((resolve) => setTimeout(resolve, body.ms));
                if (body.id === "a1") throw new Error("a1 failed");
                finished.push(body.id);
            },
        });
        for (const [id, group, ms] of [["a1", "A", 0], ["b1", "B", 150], ["a2", "A", 0], ["b2", "B", 0], ["a3", "A", 0]] as const) {
            await send(moto(), url, { id, ms }, { groupKey: group });
        }
        const poller = pollerFor(moto(), url, worker, { concurrency: 10, visibility: 30 });
        const run = poller.run();
        await until(() => poller.counts.deleted === 2 && poller.counts.retried === 1, 20_000, () => `group B done and a1 failed (finished ${finished}, counts ${JSON.stringify(poller.counts)})`);
        const counts = await poller.stop();
        await run;
        assert.deepEqual(finished, ["b1", "b2"], "b2 waits for the slower b1; a2 and a3 never run after a1 failed");
        assert.deepEqual(counts, { received: 5, deleted: 2, retried: 1, deadLettered: 0, returnedOnStop: 0 });
    });

    it("runs as a bundled process: polls, and drains on SIGTERM with exit code 0", async () => {
        const { url } = await createQueueWithDlq(moto(), "vm-process", { maxReceiveCount: 5, visibilityTimeoutSeconds: 30 });
        const code = await bundleWorker({ entry: workerEntries.awsVmPoller, handlerModule: "test/workers/fixtures/sleepy-worker" });
        const dir = mkdtempSync(path.join(tmpdir(), "queuestack-vm-"));
        const file = path.join(dir, "worker.js");
        writeFileSync(file, code);
        const total = 30;
        await sendBatch(moto(), url, Array.from({ length: total }, (_, n) => ({ n, ms: 20 })));

        const child = spawn(process.execPath, [file], {
            env: {
                PATH: process.env.PATH,
                ...workerEnv(url, 30),
                QUEUESTACK_CONCURRENCY: "15",
                AWS_ENDPOINT_URL: moto().endpoint,
                AWS_REGION: "us-east-1",
                AWS_ACCESS_KEY_ID: "testing",
                AWS_SECRET_ACCESS_KEY: "testing",
            },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk) => (stdout += chunk));
        child.stderr.on("data", (chunk) => (stderr += chunk));
        const exited = new Promise<number | null>((resolve) => child.once("exit", (status) => resolve(status)));
        try {
            await until(() => depth(moto(), url).then((n) => n === 0), 20_000, "the queue to empty");
            child.kill("SIGTERM");
            assert.equal(await exited, 0, stderr);
        } finally {
            child.kill("SIGKILL");
            rmSync(dir, { recursive: true, force: true });
        }
        const lines = stdout.trim().split("\n").map((line) => JSON.parse(line));
        const done = lines.filter((line) => line.msg === "message done");
        assert.equal(done.length, total);
        assert.equal(new Set(done.map((line) => line.messageId)).size, total);
        const stopped = lines.find((line) => line.msg === "poller stopped");
        assert.deepEqual(
            { received: stopped.received, deleted: stopped.deleted, returnedOnStop: stopped.returnedOnStop },
            { received: total, deleted: total, returnedOnStop: 0 },
        );
    });

    it("exits 1 with a fatal JSON line naming a missing variable", async () => {
        const code = await bundleWorker({ entry: workerEntries.awsVmPoller, handlerModule: "test/workers/fixtures/sleepy-worker" });
        const dir = mkdtempSync(path.join(tmpdir(), "queuestack-vm-"));
        const file = path.join(dir, "worker.js");
        writeFileSync(file, code);
        const child = spawn(process.execPath, [file], { env: { PATH: process.env.PATH, ...workerEnv("http://127.0.0.1:1/q", 30) }, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        child.stdout.on("data", (chunk) => (stdout += chunk));
        const status = await new Promise<number | null>((resolve) => child.once("exit", resolve));
        rmSync(dir, { recursive: true, force: true });
        assert.equal(status, 1);
        const [line] = stdout.trim().split("\n").map((l) => JSON.parse(l));
        assert.equal(line.level, "fatal");
        assert.equal(line.msg, "the worker could not run");
        assert.equal(line.err.message, "QUEUESTACK_CONCURRENCY is not set: messages processed at once on this VM (spec workers[].concurrency). The queuestack components set it; when running this code by hand, export it.");
    });
});
