import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import scraper from "../../../workers/example";
import { createProcessor, MemoryWorkerStore, type RawMessage } from "../../../workers/runtime";
import { capturedLogger } from "../helpers/capture-logs";
import { startFixtureServer } from "../helpers/fixture-server";

const page = readFileSync(path.join(__dirname, "fixtures", "article.html"), "utf8").replace("WORDS_HERE", "A few words here.");

const message = (id: string, body: unknown): RawMessage => ({ id, body: JSON.stringify(body), attributes: {}, attempt: 1, enqueuedAt: new Date() });

describe("example: the content-portfolio scraper worker over a local HTTP server", () => {
    let server: Awaited<ReturnType<typeof startFixtureServer>>;
    before(async () => {
        server = await startFixtureServer({
            "/post": { body: page },
            "/report.pdf": { contentType: "application/pdf", body: "%PDF-1.7" },
            "/flaky": { status: 503, body: "try later" },
        });
    });
    after(() => server.close());

    const processor = () =>
        createProcessor({
            worker: scraper,
            settings: { idempotency: { enabled: true, key: "body.url", ttlSeconds: 3600 }, resultTtlSeconds: 3600, timeoutSeconds: 5 },
            store: new MemoryWorkerStore(),
            logger: capturedLogger().logger,
            scope: "scrape",
        });

    it("scrapes an HTML page into the stored article, once per URL", async () => {
        const run = processor();
        const outcome = await run(message("m-1", { url: `${server.base}/post` }));
        assert.equal(outcome.kind, "done");
        const article = outcome.kind === "done" ? (outcome.result as Record<string, unknown>) : {};
        assert.equal(article.title, "Shipping Queues Without Losing Messages");
        assert.equal(article.publishedAt, "2025-03-14T08:30:00.000Z");
        assert.equal(article.bannerImage, `${server.base}/images/banner.png`);
        assert.equal((article.outline as unknown[]).length, 4);
        assert.equal((await run(message("m-2", { url: `${server.base}/post` }))).kind, "duplicate");
        assert.equal(server.hits.get("/post"), 1);
    });

    it("retries a broken URL with the HTTP status as the reason", async () => {
        assert.deepEqual(await processor()(message("m-3", { url: `${server.base}/flaky` })), {
            kind: "retry",
            reason: `Error: GET ${server.base}/flaky answered 503 Service Unavailable`,
        });
        assert.deepEqual(await processor()(message("m-4", { url: `${server.base}/gone` })), {
            kind: "retry",
            reason: `Error: GET ${server.base}/gone answered 404 Not Found`,
        });
    });

    it("retries an unreachable host with the network error as the reason", async () => {
        const closed = await startFixtureServer({});
        await closed.close();
        const outcome = await processor()(message("m-5", { url: `${closed.base}/nothing-listens` }));
        assert.deepEqual(outcome, { kind: "retry", reason: `Error: GET ${closed.base}/nothing-listens failed: ECONNREFUSED` });
    });

    it("dead-letters a page that is not HTML, and a body without a URL", async () => {
        assert.deepEqual(await processor()(message("m-6", { url: `${server.base}/report.pdf` })), {
            kind: "dead-letter",
            reason: `${server.base}/report.pdf is application/pdf, not an HTML page`,
        });
        assert.deepEqual(await processor()(message("m-7", { link: "x" })), {
            kind: "dead-letter",
            reason: 'the message body is not valid input: PermanentError: the body needs a "url" string (got {"link":"x"})',
        });
        assert.deepEqual(await processor()(message("m-8", { url: "ftp://files.test/a" })), {
            kind: "dead-letter",
            reason: 'the message body is not valid input: PermanentError: "ftp://files.test/a" is not an http(s) URL',
        });
        // A 240 KB poison message is quoted in its reason by its first 200 characters, not whole.
        const poison = { link: "y".repeat(240 * 1024) };
        const quoted = JSON.stringify(poison);
        assert.deepEqual(await processor()(message("m-9", poison)), {
            kind: "dead-letter",
            reason: `the message body is not valid input: PermanentError: the body needs a "url" string (got ${quoted.slice(0, 200)}... (${quoted.length} characters))`,
        });
    });
});
