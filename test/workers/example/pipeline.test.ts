import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { bundleWorker, workerEntries } from "../../../components/build/bundle";
import type { BatchResponse } from "../../../workers/aws/lambda-handler";
import type { HttpApiEvent, HttpApiResult } from "../../../workers/aws/http";
import type { SqsEvent } from "../../../workers/aws/sqs-message";
import { startFixtureServer } from "../helpers/fixture-server";
import { createQueueWithDlq, createTable, useMoto } from "../helpers/moto";
import { depth, pollLikeLambda, receive } from "../helpers/sqs";

/** Loads a bundle from a temporary file, as Lambda loads index.js. */
function load<T>(code: string): T {
    const dir = mkdtempSync(path.join(tmpdir(), "queuestack-pipeline-"));
    try {
        writeFileSync(path.join(dir, "index.js"), code);
        return require(path.join(dir, "index.js"));
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

describe("example: front end -> SQS -> Lambda worker -> DynamoDB, all bundled, on moto and a local site", function () {
    this.timeout(40_000);
    const moto = useMoto();
    const saved = new Map<string, string | undefined>();
    /** Sets environment variables for the bundled code, remembering the old values. */
    const setEnv = (vars: Record<string, string>) => {
        for (const [name, value] of Object.entries(vars)) {
            if (!saved.has(name)) saved.set(name, process.env[name]);
            process.env[name] = value;
        }
    };
    let site: Awaited<ReturnType<typeof startFixtureServer>>;

    before(async () => {
        const page = readFileSync(path.join(__dirname, "fixtures", "article.html"), "utf8").replace("WORDS_HERE", "Some words.");
        site = await startFixtureServer({ "/post": { body: page }, "/file.pdf": { contentType: "application/pdf", body: "%PDF" } });
    });
    after(async () => {
        for (const [name, value] of saved) {
            if (value === undefined) delete process.env[name];
            else process.env[name] = value;
        }
        await site?.close();
    });

    it("scrapes good URLs, dead-letters the rest with reasons, and serves job status", async () => {
        const { url, dlqUrl } = await createQueueWithDlq(moto(), "scrape", { maxReceiveCount: 2, visibilityTimeoutSeconds: 1 });
        await createTable(moto(), "portfolio-jobs");
        setEnv({
            LOG_LEVEL: "silent",
            AWS_ENDPOINT_URL: moto().endpoint,
            AWS_REGION: "us-east-1",
            AWS_ACCESS_KEY_ID: "testing",
            AWS_SECRET_ACCESS_KEY: "testing",
            QUEUESTACK_QUEUES: JSON.stringify({ scrape: { url, fifo: false } }),
            QUEUESTACK_AUTH: "none",
            QUEUESTACK_MAX_BODY_BYTES: "262144",
            QUEUESTACK_TABLE_NAME: "portfolio-jobs",
            QUEUESTACK_QUEUE_URL: url,
            QUEUESTACK_IDEMPOTENCY_ENABLED: "true",
            QUEUESTACK_IDEMPOTENCY_KEY: "body.url",
            QUEUESTACK_IDEMPOTENCY_TTL_HOURS: "24",
            QUEUESTACK_RESULT_TTL_DAYS: "30",
            QUEUESTACK_VISIBILITY_TIMEOUT_SECONDS: "1",
            QUEUESTACK_WORKER_TIMEOUT_SECONDS: "5",
        });
        const frontEnd = load<{ handler: (e: HttpApiEvent) => Promise<HttpApiResult> }>(await bundleWorker({ entry: workerEntries.awsFrontEnd }));
        const worker = load<{ handler: (e: SqsEvent, c: unknown) => Promise<BatchResponse> }>(
            await bundleWorker({ entry: workerEntries.awsLambdaWorker, handlerModule: "workers/example" }),
        );

        const urls = [`${site.base}/post`, `${site.base}/post`, `${site.base}/file.pdf`, `${site.base}/missing`];
        const accepted = await frontEnd.handler({
            routeKey: "POST /queues/{queue}/messages",
            pathParameters: { queue: "scrape" },
            body: JSON.stringify(urls.map((u) => ({ url: u }))),
        });
        assert.equal(accepted.statusCode, 202, accepted.body);
        const ids: string[] = JSON.parse(accepted.body).messageIds;
        assert.equal(ids.length, 4);

        const invoke = (event: SqsEvent) => worker.handler(event, { getRemainingTimeInMillis: () => 30_000 });
        for (let polls = 0; polls < 12 && (await depth(moto(), url)) > 0; polls++) await pollLikeLambda(moto(), url, invoke, 1);
        assert.equal(await depth(moto(), url), 0);

        const dead = await receive(moto(), dlqUrl);
        assert.deepEqual(dead.map((m) => m.MessageId).sort(), [ids[2], ids[3]].sort());
        assert.equal(site.hits.get("/post"), 1, "the duplicate URL is scraped once");

        const status = async (id: string) => JSON.parse((await frontEnd.handler({ routeKey: "GET /jobs/{id}", pathParameters: { id } })).body);
        const first = await status(ids[0]);
        assert.equal(first.status, "done");
        assert.equal(first.result.title, "Shipping Queues Without Losing Messages");
        assert.equal(first.result.wordCount, 18);
        assert.equal((await status(ids[1])).status, "done");
        assert.deepEqual([(await status(ids[2])).status, (await status(ids[2])).reason], ["dead-letter", `${site.base}/file.pdf is application/pdf, not an HTML page`]);
        assert.deepEqual([(await status(ids[3])).status, (await status(ids[3])).reason], ["retrying", `Error: GET ${site.base}/missing answered 404 Not Found`]);
    });
});
