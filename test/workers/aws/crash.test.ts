import { strict as assert } from "node:assert";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { SendMessageBatchCommand } from "@aws-sdk/client-sqs";
import { bundleWorker, workerEntries } from "../../../components/build/bundle";
import { DynamoDbWorkerStore } from "../../../workers/aws/dynamodb-store";
import { createQueueWithDlq, createTable, useMoto } from "../helpers/moto";
import { depth } from "../helpers/sqs";

/** Messages in the run; QUEUESTACK_CRASH_MESSAGES raises it (e.g. 1000) for a longer soak. */
const total = Number(process.env.QUEUESTACK_CRASH_MESSAGES ?? 120);
const workers = 3;
/** A random worker is SIGKILLed (and restarted) every 1.5-2.5 s, this many times. */
const maxKills = Math.ceil(total / 20);

describe(`aws: ${total} messages through VM pollers killed with SIGKILL at random and restarted (moto)`, function () {
    // moto handles roughly ten messages a second here (each is several SQS and DynamoDB calls).
    const drainMs = 60_000 + total * 300;
    this.timeout(drainMs + 30_000);
    const moto = useMoto();

    it("stores every message's result exactly once, loses none, and suppresses duplicate deliveries", async () => {
        const { url, dlqUrl } = await createQueueWithDlq(moto(), "crash", { maxReceiveCount: 50, visibilityTimeoutSeconds: 2 });
        await createTable(moto(), "portfolio-crash");
        const dir = mkdtempSync(path.join(tmpdir(), "queuestack-crash-"));
        const bundle = path.join(dir, "worker.js");
        const effects = path.join(dir, "effects.log");
        writeFileSync(bundle, await bundleWorker({ entry: workerEntries.awsVmPoller, handlerModule: "test/workers/fixtures/effect-worker" }));
        writeFileSync(effects, "");

        const ids: string[] = [];
        for (let start = 0; start < total; start += 10) {
            const entries = Array.from({ length: Math.min(10, total - start) }, (_, i) => ({ Id: String(i), MessageBody: JSON.stringify({ n: start + i, ms: 5 + ((start + i) % 7) * 5 }) }));
            const out = await moto().sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }));
            ids.push(...(out.Successful ?? []).map((s) => s.MessageId!));
        }
        assert.equal(ids.length, total);

        const env = {
            PATH: process.env.PATH,
            LOG_LEVEL: "info",
            EFFECTS_FILE: effects,
            AWS_ENDPOINT_URL: moto().endpoint,
            AWS_REGION: "us-east-1",
            AWS_ACCESS_KEY_ID: "testing",
            AWS_SECRET_ACCESS_KEY: "testing",
            QUEUESTACK_QUEUE_URL: url,
            QUEUESTACK_TABLE_NAME: "portfolio-crash",
            QUEUESTACK_IDEMPOTENCY_ENABLED: "true",
            QUEUESTACK_IDEMPOTENCY_KEY: "messageId",
            QUEUESTACK_IDEMPOTENCY_TTL_HOURS: "24",
            QUEUESTACK_RESULT_TTL_DAYS: "1",
            QUEUESTACK_VISIBILITY_TIMEOUT_SECONDS: "2",
            QUEUESTACK_WORKER_TIMEOUT_SECONDS: "1",
            QUEUESTACK_CONCURRENCY: "12",
        };
        const outputs: string[] = [];
        const closed: Promise<unknown>[] = [];
        const startWorker = () => {
            const child = spawn(process.execPath, [bundle], { env, stdio: ["ignore", "pipe", "ignore"] });
            const index = outputs.push("") - 1;
            child.stdout?.on("data", (chunk) => (outputs[index] += chunk));
            closed.push(new Promise((resolve) => child.once("close", resolve)));
            return child;
        };
        const pool: ChildProcess[] = Array.from({ length: workers }, startWorker);
        let kills = 0;
        const deadline = Date.now() + drainMs;
        try {
            let reported = Date.now();
            for (let left = await depth(moto(), url); left > 0; left = await depth(moto(), url)) {
                if (process.env.QUEUESTACK_CRASH_MESSAGES && Date.now() - reported > 10_000) {
                    console.log(`      ${left} messages left after ${kills} kills`);
                    reported = Date.now();
                }
                assert.ok(Date.now() < deadline, `the queue did not drain within ${drainMs / 1000} s`);
                await new Promise((resolve) => setTimeout(resolve, 1500 + Math.random() * 1000));
                if (kills < maxKills) {
                    const victim = Math.floor(Math.random() * workers);
                    pool[victim].kill("SIGKILL");
                    kills++;
                    pool[victim] = startWorker();
                }
            }
        } finally {
            for (const child of pool) child.kill("SIGKILL");
            await Promise.all(closed);
        }

        // None lost: the queue and its DLQ are empty and every message has a stored result.
        assert.equal(await depth(moto(), url), 0);
        assert.equal(await depth(moto(), dlqUrl), 0);
        const store = new DynamoDbWorkerStore({ client: moto().dynamodb, tableName: "portfolio-crash" });
        const statuses = await Promise.all(ids.map(async (id) => (await store.getJob(id))?.status));
        assert.deepEqual(statuses.filter((s) => s !== "done"), []);
        // Exactly once: one completed idempotency record per message, holding that message's result.
        const claims = await Promise.all(ids.map((id) => store.claim(`crash#${id}`, 1)));
        assert.equal(claims.filter((c) => c.status === "completed").length, total);

        // The effect ran for every message; re-runs happen only where a kill hit a claimed, unfinished message.
        const runs = readFileSync(effects, "utf8").trim().split("\n").map(Number);
        assert.equal(new Set(runs).size, total);
        assert.ok(runs.length - total <= kills * Number(env.QUEUESTACK_CONCURRENCY), `${runs.length - total} re-runs for ${kills} kills`);
        // A killed worker's last line may be cut short; every other line is JSON.
        const lines = outputs.flatMap((output) => output.split("\n").slice(0, -1)).map((line) => JSON.parse(line));
        const duplicates = lines.filter((line) => line.outcome === "duplicate").length;
        // A kill can land after the datastore applied `complete` but before the worker logged it; the
        // redelivery is then logged as a suppressed duplicate. Either way each message has a line.
        const settled = new Set(lines.filter((line) => line.outcome === "done" || line.outcome === "duplicate").map((line) => line.messageId));
        assert.equal(settled.size, total);
        console.log(`      ${kills} kills, ${runs.length - total} re-runs of the effect, ${duplicates} duplicate deliveries suppressed`);
        rmSync(dir, { recursive: true, force: true });
    });
});
