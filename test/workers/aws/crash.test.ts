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

/** Messages in the run; QUEUESTACK_CRASH_MESSAGES changes it (e.g. 5000 for a longer soak). */
const total = Number(process.env.QUEUESTACK_CRASH_MESSAGES ?? 1000);
const workers = 3;
/**
 * A random working worker (one that has settled a message since it started, so it is polling and
 * holds messages, not still loading its bundle) is SIGKILLed and restarted every 1-2.5 s until the
 * queue is drained.
 */
const killEveryMs = () => 1000 + Math.random() * 1500;

/** How often each failure reason was logged, with lease timestamps and message ids masked. */
function reasonCounts(lines: { reason?: string }[]): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const { reason } of lines) {
        if (reason === undefined) continue;
        const shape = reason.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, "<time>").replace(/#[\w-]+/g, "#<id>");
        counts[shape] = (counts[shape] ?? 0) + 1;
    }
    return counts;
}

/** Messages kept waiting in the queue while the test feeds it (moto's receive cost grows with queue depth). */
const backlog = 150;
/** The run fails when no message finishes for this long. */
const stallMs = 90_000;

describe(`aws: ${total} messages through VM pollers killed with SIGKILL at random and restarted (moto)`, function () {
    // moto handles roughly ten messages a second here (each is several SQS and DynamoDB calls).
    this.timeout(60_000 + total * 600);
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
        /** Tops the queue up to `backlog` messages (of `total`); returns how many are in it. */
        const feed = async (inQueue: number) => {
            for (let room = backlog - inQueue; room > 0 && ids.length < total; ) {
                const start = ids.length;
                const entries = Array.from({ length: Math.min(10, room, total - start) }, (_, i) => ({ Id: String(i), MessageBody: JSON.stringify({ n: start + i, ms: 5 + ((start + i) % 7) * 5 }) }));
                const out = await moto().sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }));
                assert.equal(out.Successful?.length, entries.length, `send failed: ${JSON.stringify(out.Failed)}`);
                ids.push(...out.Successful!.map((sent) => sent.MessageId!));
                room -= entries.length;
                inQueue += entries.length;
            }
            return inQueue;
        };
        await feed(0);

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
            return { child, index };
        };
        const pool: { child: ChildProcess; index: number }[] = Array.from({ length: workers }, startWorker);
        const working = (worker: { index: number }) => outputs[worker.index]!.includes('"outcome":');
        let kills = 0;
        let drained = false;
        const killer = (async () => {
            while (!drained) {
                await new Promise((resolve) => setTimeout(resolve, killEveryMs()));
                if (drained) return;
                const candidates = pool.flatMap((worker, slot) => (working(worker) ? [slot] : []));
                if (candidates.length === 0) continue;
                const victim = candidates[Math.floor(Math.random() * candidates.length)]!;
                pool[victim]!.child.kill("SIGKILL");
                kills++;
                pool[victim] = startWorker();
            }
        })();
        try {
            let reported = Date.now();
            let progressAt = Date.now();
            let finished = 0;
            for (let inQueue = await depth(moto(), url); ids.length < total || inQueue > 0; inQueue = await feed(await depth(moto(), url))) {
                if (ids.length - inQueue > finished) [finished, progressAt] = [ids.length - inQueue, Date.now()];
                if (process.env.QUEUESTACK_CRASH_MESSAGES && Date.now() - reported > 10_000) {
                    console.log(`      ${finished} of ${total} finished after ${kills} kills`);
                    reported = Date.now();
                }
                assert.ok(Date.now() - progressAt < stallMs, `no message finished for ${stallMs / 1000} s (${finished} of ${total} finished)`);
                await new Promise((resolve) => setTimeout(resolve, 1000));
            }
        } finally {
            drained = true;
            await killer;
            for (const { child } of pool) child.kill("SIGKILL");
            await Promise.all(closed);
        }

        // A killed worker's last line may be cut short; every other line is JSON.
        const lines = outputs.flatMap((output) => output.split("\n").slice(0, -1)).map((line) => JSON.parse(line));
        // None lost: the queue and its DLQ are empty and every message has a stored result.
        assert.equal(await depth(moto(), url), 0);
        assert.equal(await depth(moto(), dlqUrl), 0, `dead-lettered; failure reasons seen: ${JSON.stringify(reasonCounts(lines))}`);
        const store = new DynamoDbWorkerStore({ client: moto().dynamodb, tableName: "portfolio-crash" });
        const notDone: string[] = [];
        let completed = 0;
        for (let start = 0; start < total; start += 50) {
            const part = ids.slice(start, start + 50);
            const statuses = await Promise.all(part.map(async (id) => (await store.getJob(id))?.status));
            notDone.push(...part.filter((_, i) => statuses[i] !== "done"));
            // Exactly once: one completed idempotency record per message, holding that message's result.
            const claims = await Promise.all(part.map((id) => store.claim(`crash#${id}`, 1)));
            completed += claims.filter((c) => c.status === "completed").length;
        }
        assert.deepEqual(notDone, []);
        assert.equal(completed, total);

        // The effect ran for every message; re-runs happen only where a kill hit a claimed, unfinished message.
        const runs = readFileSync(effects, "utf8").trim().split("\n").map(Number);
        assert.equal(new Set(runs).size, total);
        assert.ok(runs.length - total <= kills * Number(env.QUEUESTACK_CONCURRENCY), `${runs.length - total} re-runs for ${kills} kills`);
        const duplicates = lines.filter((line) => line.outcome === "duplicate").length;
        // A kill can land after the datastore applied `complete` but before the worker logged it; the
        // redelivery is then logged as a suppressed duplicate. Either way each message has a line.
        const settled = new Set(lines.filter((line) => line.outcome === "done" || line.outcome === "duplicate").map((line) => line.messageId));
        assert.equal(settled.size, total);
        console.log(`      ${kills} kills, ${runs.length - total} re-runs of the effect, ${duplicates} duplicate deliveries suppressed`);
        rmSync(dir, { recursive: true, force: true });
    });
});
