import { strict as assert } from "node:assert";
import { existsSync, readFileSync, rmSync } from "node:fs";
import * as path from "node:path";
import Database from "better-sqlite3";
import { PortInUseError, startLocalStack, type LocalStack } from "../../local/runner";
import { startFixtureServer, type FixtureRoute } from "../workers/helpers/fixture-server";
import { capturedLogger } from "../workers/helpers/capture-logs";
import { articlePage, repoRoot, waitFor, writeStack } from "./helpers";

const spec = (code: string, extra: Record<string, unknown> = {}) => ({
    name: "portfolio",
    frontEnd: { auth: "apiKey", maxBodyKb: 1 },
    queues: [{ name: "scrape", maxReceiveCount: 2, processingTimeSeconds: 5 }],
    workers: [{ name: "scraper", queue: "scrape", code, concurrency: 4, idempotency: { key: "body.url" } }],
    alarms: { deadLetterDepth: 2, oldestMessageAgeSeconds: 600, workerErrors: 100 },
    ...extra,
});

describe("local runner: front end -> SQLite queue -> example worker -> datastore", function () {
    this.timeout(30_000);
    const routes: Record<string, FixtureRoute> = {
        "/article": { body: articlePage("Queues at home") },
        "/flaky": { status: 500, body: "down" },
        "/logo": { contentType: "image/png", body: "PNG" },
    };
    let site: Awaited<ReturnType<typeof startFixtureServer>>;
    let dir: string;
    let stack: LocalStack;
    const { logger, lines } = capturedLogger();

    const post = (body: string, headers: Record<string, string> = { "x-api-key": stack.apiKey! }, queue = "scrape") =>
        fetch(`${stack.url}/queues/${queue}/messages`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
    const job = async (id: string) => {
        const response = await fetch(`${stack.url}/jobs/${id}`, { headers: { "x-api-key": stack.apiKey! } });
        return response.status === 200 ? ((await response.json()) as Record<string, unknown>) : undefined;
    };
    const settled = (id: string, status: string) => waitFor(`job ${id} ${status}`, async () => {
        const record = await job(id);
        return record?.status === status ? record : undefined;
    });

    before(async () => {
        site = await startFixtureServer(routes);
        dir = writeStack("test", spec(path.join(repoRoot, "workers", "example")));
        stack = await startLocalStack({ stack: "test", dir, port: 0, logger, retryBaseSeconds: 0.05, pollIntervalMs: 20, alarmIntervalSeconds: 0.1, drainSeconds: 0.2 });
    });
    after(async () => {
        await stack?.stop();
        await site?.close();
        rmSync(dir, { recursive: true, force: true });
    });

    it("listens on 127.0.0.1 and keeps the generated API key in the data directory", () => {
        assert.match(stack.url, /^http:\/\/127\.0\.0\.1:\d+$/);
        assert.match(stack.apiKey!, /^[A-Za-z0-9_-]{32}$/);
        assert.equal(stack.dashboardUrl, `${stack.url}/dashboard#key=${stack.apiKey}`);
        assert.equal(readFileSync(path.join(stack.dataDir, "api-key"), "utf8").trim(), stack.apiKey);
    });

    it("refuses a port in use with how to fix it, and leaves nothing behind", async () => {
        const port = Number(new URL(stack.url).port);
        const otherData = path.join(dir, "other-data");
        await assert.rejects(
            startLocalStack({ stack: "test", dir, dataDir: otherData, port, logger }),
            new PortInUseError(`127.0.0.1:${port} is in use by another program. Pass --port <number>, or --port 0 to pick a free one.`),
        );
        assert.equal(existsSync(path.join(otherData, "runner.pid")), false, "the data directory's lock was released");
    });

    it("rejects bad requests with the AWS front end's status codes and messages, enqueuing nothing", async () => {
        const cases: [Response, number, string][] = [
            [await post("{}", {}), 401, "Missing x-api-key header. Send the stack's API key in the x-api-key header."],
            [await post("{}", { "x-api-key": "wrong" }), 401, "The x-api-key header does not match the stack's API key."],
            [await post("{nope"), 400, ""],
            [await post(JSON.stringify({ url: "x".repeat(1100) })), 413, "Request body is 1110 bytes; the limit is 1024 bytes (spec frontEnd.maxBodyKb). Split the batch into smaller requests."],
            [await post("{}", undefined, "missing"), 404, 'Unknown queue "missing". Known queues: scrape.'],
        ];
        for (const [response, status, error] of cases) {
            assert.equal(response.status, status);
            const body = (await response.json()) as { error: string };
            if (error) assert.equal(body.error, error);
            else assert.match(body.error, /^Request body is not valid JSON/);
        }
        const missing = await fetch(`${stack.url}/nowhere`);
        assert.equal(missing.status, 404);
        assert.deepEqual(stack.engine.stats("scrape"), { queue: "scrape", visible: 0, inFlight: 0, delayed: 0, oldestAgeSeconds: 0, deadLetters: 0 });
    });

    it("scrapes a page, retries a failing one into the DLQ with its reason, dead-letters a non-HTML one at once", async () => {
        const response = await post(JSON.stringify([{ url: `${site.base}/article` }, { url: `${site.base}/flaky` }, { url: `${site.base}/logo` }]));
        assert.equal(response.status, 202);
        const { messageIds } = (await response.json()) as { messageIds: string[] };
        assert.equal(messageIds.length, 3);
        const [article, flaky, logo] = messageIds;

        const done = await settled(article, "done");
        const result = done.result as Record<string, unknown>;
        assert.deepEqual([result.title, result.publishedAt, result.readingTimeMinutes], ["Queues at home", "2026-03-01T10:00:00.000Z", 2]);
        const dead = await settled(flaky, "dead-letter");
        assert.deepEqual([dead.reason, dead.attempt], [`Error: GET ${site.base}/flaky answered 500 Internal Server Error`, 2]);
        const notHtml = await settled(logo, "dead-letter");
        assert.deepEqual([notHtml.reason, notHtml.attempt], [`${site.base}/logo is image/png, not an HTML page`, 1]);
        assert.deepEqual([site.hits.get("/article"), site.hits.get("/flaky"), site.hits.get("/logo")], [1, 2, 1]);

        const listing = (await (await fetch(`${stack.url}/api/queues/scrape/dead-letters`, { headers: { "x-api-key": stack.apiKey! } })).json()) as {
            total: number;
            deadLetters: { id: string; reasonPreview: string; receiveCount: number; bodyPreview: string }[];
        };
        assert.equal(listing.total, 2);
        // Short bodies and reasons: the previews are whole.
        assert.deepEqual(
            listing.deadLetters.map((d) => [d.id, d.reasonPreview, d.receiveCount, JSON.parse(d.bodyPreview).url]).sort(),
            [
                [flaky, `Error: GET ${site.base}/flaky answered 500 Internal Server Error`, 2, `${site.base}/flaky`],
                [logo, `${site.base}/logo is image/png, not an HTML page`, 1, `${site.base}/logo`],
            ].sort(),
        );
    });

    it("evaluates the spec's alarms: logs ALARM once and exposes the state and counts at /metrics", async () => {
        const metrics = await waitFor("the dead-letter alarm", async () => {
            const text = await (await fetch(`${stack.url}/metrics`)).text();
            return text.includes('queuestack_alarm_firing{alarm="scrape-dead-letters",rule="alarms.deadLetterDepth"} 1') ? text : undefined;
        });
        for (const line of [
            'queuestack_dead_letter_messages{queue="scrape"} 2',
            'queuestack_queue_visible_messages{queue="scrape"} 0',
            'queuestack_worker_deliveries_total{worker="scraper",outcome="done"} 1',
            'queuestack_worker_deliveries_total{worker="scraper",outcome="retry"} 2',
            'queuestack_worker_deliveries_total{worker="scraper",outcome="dead-letter"} 1',
            'queuestack_worker_processing_seconds_count{worker="scraper"} 4',
            'queuestack_alarm_firing{alarm="scraper-errors",rule="alarms.workerErrors"} 0',
            "# TYPE queuestack_worker_processing_seconds summary",
        ]) {
            assert.ok(metrics.split("\n").includes(line), `missing line: ${line}\n${metrics}`);
        }
        assert.match(metrics, /^queuestack_worker_processing_seconds\{worker="scraper",quantile="0\.99"\} \d+(\.\d+)?$/m);
        // The alarm timer logs the transition on its own tick, which may come after /metrics shows it.
        const alarmLines = await waitFor("the ALARM log line", () => {
            const found = lines.filter((l) => typeof l.msg === "string" && (l.msg as string).startsWith("ALARM "));
            return found.length > 0 ? found : undefined;
        });
        assert.deepEqual(alarmLines.map((l) => l.msg), ['ALARM scrape-dead-letters: 2 message(s) in the dead-letter queue of "scrape" (alarm at 2)']);
    });

    it("suppresses a repeated URL with the idempotency guard, and redrives a fixed message to done", async () => {
        const first = stack.store.completedBy(`scrape#${site.base}/article`)!;
        assert.match(first, /^[0-9a-f-]{36}$/);
        // The worker keys on its decoded body: an upper-case scheme is the same URL, so the same work.
        const again = (await (await post(JSON.stringify({ url: `${site.base.replace("http://", "HTTP://")}/article` }))).json()) as Record<string, unknown>;
        const original = { messageId: first, statusUrl: `/jobs/${first}` };
        assert.deepEqual(again, { messageId: again.messageId, statusUrl: `/jobs/${again.messageId}`, deduplicated: true, duplicateOf: original });
        await waitFor("the duplicate to be deleted", () => (stack.engine.stats("scrape").visible + stack.engine.stats("scrape").inFlight === 0 ? true : undefined));
        assert.equal(site.hits.get("/article"), 1, "the page was not fetched again");
        const shared = await settled(again.messageId as string, "done");
        assert.equal((shared.result as { title: string }).title, "Queues at home", "the duplicate's job shares the first result");
        assert.deepEqual([shared.deduplicated, shared.duplicateOf], [true, original]);
        const originalJob = (await job(first))!;
        assert.deepEqual([originalJob.status, originalJob.deduplicated, originalJob.duplicateOf], ["done", undefined, undefined]);

        routes["/flaky"] = { body: articlePage("Back up") };
        const dlq = (await (await fetch(`${stack.url}/api/queues/scrape/dead-letters`, { headers: { "x-api-key": stack.apiKey! } })).json()) as { deadLetters: { id: string; bodyPreview: string }[] };
        const flaky = dlq.deadLetters.find((d) => JSON.parse(d.bodyPreview).url.endsWith("/flaky"))!;
        const redrive = await fetch(`${stack.url}/api/queues/scrape/redrive`, { method: "POST", headers: { "x-api-key": stack.apiKey! }, body: JSON.stringify({ ids: [flaky.id] }) });
        assert.deepEqual(await redrive.json(), { redriven: 1 });
        const done = await settled(flaky.id, "done");
        assert.equal((done.result as { title: string }).title, "Back up");
        assert.equal(stack.engine.stats("scrape").deadLetters, 1);
        const unauthorized = await fetch(`${stack.url}/api/queues/scrape/redrive`, { method: "POST" });
        assert.equal(unauthorized.status, 401);
        const refusal = { error: "Missing or wrong x-api-key header. Send the key the runner printed at start." };
        assert.deepEqual(await unauthorized.json(), refusal);
        const wrongKey = await fetch(`${stack.url}/api/queues/scrape/redrive`, { method: "POST", headers: { "x-api-key": "wrong" } });
        assert.deepEqual([wrongKey.status, await wrongKey.json()], [401, refusal]);
        assert.equal(stack.engine.stats("scrape").deadLetters, 1, "a refused redrive moves nothing");
    });
});

describe("local runner: shutdown", function () {
    this.timeout(20_000);

    it("returns a message still running at stop to the queue, its delivery not counted, and its claim dropped", async () => {
        const dir = writeStack("slow", {
            name: "slow",
            frontEnd: { auth: "none" },
            queues: [{ name: "jobs", processingTimeSeconds: 30 }],
            workers: [{ name: "sleeper", queue: "jobs", code: path.join(repoRoot, "test", "workers", "fixtures", "sleepy-worker") }],
        });
        const { logger } = capturedLogger();
        const stack = await startLocalStack({ stack: "slow", dir, port: 0, logger, pollIntervalMs: 20, drainSeconds: 0.2 });
        try {
            const response = await fetch(`${stack.url}/queues/jobs/messages`, { method: "POST", body: JSON.stringify({ n: 1, ms: 5000 }) });
            assert.equal(response.status, 202);
            await waitFor("the message to start", () => (stack.engine.stats("jobs").inFlight === 1 ? true : undefined));
        } finally {
            await stack.stop();
        }
        const db = new Database(path.join(dir, ".queuestack", "slow", "queuestack.db"), { readonly: true });
        try {
            assert.deepEqual(db.prepare("SELECT receive_count, receipt, owner FROM messages").all(), [{ receive_count: 0, receipt: null, owner: null }]);
            assert.deepEqual(db.prepare("SELECT COUNT(*) AS n FROM idempotency").get(), { n: 0 });
        } finally {
            db.close();
            rmSync(dir, { recursive: true, force: true });
        }
    });
});
