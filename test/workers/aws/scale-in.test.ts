import { strict as assert } from "node:assert";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SqsPoller } from "../../../workers/aws/poller";
import { LifecycleState, ScaleInGuard } from "../../../workers/aws/scale-in";
import { awsWorkerFromEnv } from "../../../workers/aws/worker-setup";
import { defineWorker } from "../../../workers/runtime";
import { capturedLogger } from "../helpers/capture-logs";
import { createQueueWithDlq, createTable, useMoto } from "../helpers/moto";
import { receive, send } from "../helpers/sqs";

/** A local stand-in for the instance metadata service: IMDSv2 tokens, and the Auto Scaling target state (or none: 404). */
async function metadataService(): Promise<{ server: Server; endpoint: string; state: { value?: string }; requests: string[] }> {
    const state: { value?: string } = { value: "InService" };
    const requests: string[] = [];
    const server = createServer((req, res) => {
        requests.push(`${req.method} ${req.url}`);
        if (req.method === "PUT" && req.url === "/latest/api/token" && req.headers["x-aws-ec2-metadata-token-ttl-seconds"]) return void res.end("token-1");
        if (req.headers["x-aws-ec2-metadata-token"] !== "token-1") return void res.writeHead(401).end();
        if (req.url === "/latest/meta-data/autoscaling/target-lifecycle-state" && state.value) return void res.end(`${state.value}\n`);
        res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { server, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, state, requests };
}

async function until(condition: () => boolean | Promise<boolean>, what: string) {
    const deadline = Date.now() + 20_000;
    while (!(await condition())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
    }
}

describe("aws: VM poller drains on scale-in (moto SQS, local metadata service)", function () {
    this.timeout(40_000);
    const moto = useMoto();
    const tableName = "scale-in";
    let imds: Awaited<ReturnType<typeof metadataService>>;
    before(async () => createTable(moto(), tableName));
    beforeEach(async () => (imds = await metadataService()));
    afterEach(() => imds.server.close());

    it("reads the target lifecycle state with an IMDSv2 token, and undefined outside a group", async () => {
        const lifecycle = new LifecycleState(imds.endpoint);
        assert.equal(await lifecycle.read(), "InService");
        imds.state.value = undefined;
        assert.equal(await lifecycle.read(), undefined);
        assert.deepEqual(imds.requests.slice(0, 2), ["PUT /latest/api/token", "GET /latest/meta-data/autoscaling/target-lifecycle-state"]);
    });

    it("finishes running messages, receives nothing more and stays idle once the instance is Terminated", async () => {
        const { url } = await createQueueWithDlq(moto(), "scale-in-jobs", { maxReceiveCount: 5, visibilityTimeoutSeconds: 30 });
        let open: () => void = () => undefined;
        const gate = new Promise<void>((resolve) => (open = resolve));
        const started: number[] = [];
        const done: number[] = [];
        const worker = defineWorker<{ n: number }>({
            async handle({ body: { n } }) {
                started.push(n);
                await gate;
                done.push(n);
            },
        });
        const { logger, lines } = capturedLogger();
        const env = {
            QUEUESTACK_QUEUE_URL: url,
            QUEUESTACK_TABLE_NAME: tableName,
            QUEUESTACK_IDEMPOTENCY_ENABLED: "false",
            QUEUESTACK_RESULT_TTL_DAYS: "30",
            QUEUESTACK_VISIBILITY_TIMEOUT_SECONDS: "30",
            QUEUESTACK_WORKER_TIMEOUT_SECONDS: "10",
        };
        const aws = awsWorkerFromEnv(worker, env, logger, { sqs: moto().sqs, dynamodb: moto().dynamodb });
        const poller = new SqsPoller({ processor: aws.processor, sqs: moto().sqs, queueUrl: url, logger, concurrency: 3, visibilityTimeoutSeconds: 30, waitSeconds: 1, drainSeconds: 15 });
        const guard = new ScaleInGuard({ poller, lifecycle: new LifecycleState(imds.endpoint), logger, checkEveryMs: 50 });
        let ended = false;
        const running = guard.run().then(() => (ended = true));
        try {
            for (const n of [1, 2, 3]) await send(moto(), url, { n });
            await until(() => started.length === 3, "three running messages");

            imds.state.value = "Terminated";
            await until(() => guard.drainedForScaleIn || lines.some((l) => l.msg === "stopping: draining running messages"), "the drain to start");
            for (const n of [4, 5]) await send(moto(), url, { n });
            open();
            await until(() => guard.drainedForScaleIn, "the drain to finish");
            assert.deepEqual([...done].sort(), [1, 2, 3], "running work finished");
            assert.ok(lines.some((l) => l.msg === "scale-in: this instance is terminating; draining and receiving no more"));

            // Messages sent after the notice were never received by the draining poller: their first receive is ours.
            const later = await receive(moto(), url, 1);
            assert.deepEqual(later.map((m) => JSON.parse(m.Body!).n).sort(), [4, 5]);
            assert.deepEqual(later.map((m) => m.Attributes?.ApproximateReceiveCount), ["1", "1"]);
            assert.deepEqual(started.sort(), [1, 2, 3]);
            assert.equal(ended, false, "the guard holds the service up, so systemd starts no fresh poller");
        } finally {
            open();
            await guard.stop();
            await running;
        }
        assert.equal(ended, true);
    });
});
