import { strict as assert } from "node:assert";
import { rmSync } from "node:fs";
import * as path from "node:path";
import type { Page } from "playwright-core";
import { startLocalStack, type LocalStack } from "../../local/runner";
import { launchChromium, type HeadlessChromium } from "../helpers/chromium";
import { capturedLogger } from "../workers/helpers/capture-logs";
import { startFixtureServer, type FixtureRoute } from "../workers/helpers/fixture-server";
import { articlePage, repoRoot, waitFor, writeStack } from "./helpers";

describe("local dashboard in headless Chromium", function () {
    this.timeout(40_000);
    const routes: Record<string, FixtureRoute> = {
        "/one": { body: articlePage("First post") },
        "/two": { body: articlePage("Second post") },
        "/broken": { status: 503, body: "unavailable" },
        "/in-order": { body: articlePage("In order") },
    };
    let site: Awaited<ReturnType<typeof startFixtureServer>>;
    let dir: string;
    let stack: LocalStack;
    let chromium: HeadlessChromium;
    let page: Page;

    before(async () => {
        site = await startFixtureServer(routes);
        dir = writeStack("ui", {
            name: "portfolio",
            queues: [
                { name: "scrape", maxReceiveCount: 2, processingTimeSeconds: 5 },
                { name: "ordered", ordering: "fifo", processingTimeSeconds: 5 },
                // No worker: what the dashboard sends stays on the level it went to.
                { name: "news", priorities: { levels: [{ name: "breaking", weight: 2 }, { name: "routine", weight: 1 }] } },
            ],
            workers: [
                { name: "scraper", queue: "scrape", code: path.join(repoRoot, "workers", "example"), concurrency: 4 },
                { name: "sequencer", queue: "ordered", code: path.join(repoRoot, "workers", "example"), concurrency: 2 },
            ],
        });
        stack = await startLocalStack({ stack: "ui", dir, port: 0, logger: capturedLogger().logger, retryBaseSeconds: 0.1, pollIntervalMs: 20, alarmIntervalSeconds: 0.2 });
        chromium = await launchChromium();
        page = chromium.page;
    });
    after(async () => {
        await chromium?.close();
        await stack?.stop();
        await site?.close();
        rmSync(dir, { recursive: true, force: true });
    });

    it("submits URLs, shows them complete, shows the broken one in the DLQ with its reason, and redrives it", async () => {
        await page.goto(stack.dashboardUrl);
        assert.equal(new URL(page.url()).hash, "", "the key leaves the address bar");
        await page.getByTestId("depth-scrape").waitFor();
        assert.equal(await page.locator("#stack").textContent(), "portfolio");

        await page.locator("#urls").fill([`${site.base}/one`, `${site.base}/two`, `${site.base}/broken`].join("\n"));
        await page.getByRole("button", { name: "Submit" }).click();
        await page.locator('[data-testid="job"][data-status="done"]').nth(1).waitFor();
        const doneTitles = await page.locator('[data-testid="job"][data-status="done"] td:nth-child(4)').allTextContents();
        assert.deepEqual(doneTitles.sort(), ["First post", "Second post"]);

        const deadRow = page.getByTestId("dead-letter");
        await deadRow.waitFor();
        assert.equal(await deadRow.count(), 1);
        assert.equal(await deadRow.locator(".reason").textContent(), `Error: GET ${site.base}/broken answered 503 Service Unavailable`);
        await page.locator('[data-testid="job"][data-status="dead-letter"]').waitFor();
        await waitFor("the DLQ depth card to show 1", async () => ((await page.getByTestId("dlq-scrape").locator(".value").textContent()) === "1" ? true : undefined));
        await page.locator("#alarms .firing", { hasText: "ALARM scrape-dead-letters" }).waitFor();
        assert.equal(await page.getByTestId("p99-scraper").locator(".value").textContent().then((t) => /^\d+ ms$|^\d+\.\d\d s$/.test(t ?? "")), true);

        routes["/broken"] = { body: articlePage("Fixed post") };
        await deadRow.getByRole("button", { name: "Redrive" }).click();
        await deadRow.waitFor({ state: "detached" });
        await page.locator('[data-testid="job"][data-status="done"]').nth(2).waitFor();
        const titles = await page.locator('[data-testid="job"][data-status="done"] td:nth-child(4)').allTextContents();
        assert.deepEqual(titles.sort(), ["First post", "Fixed post", "Second post"]);
        assert.deepEqual([site.hits.get("/one"), site.hits.get("/two"), site.hits.get("/broken")], [1, 1, 3]);
        assert.equal(stack.engine.stats("scrape").deadLetters, 0);
    });

    it("asks for a group key on a FIFO queue and sends it with the URLs", async () => {
        assert.equal(await page.locator("#group-label").isVisible(), false);
        await page.locator("#queue-select").selectOption("ordered");
        await page.locator("#group-label").waitFor();
        await page.locator("#group-key").fill("reader-7");
        await page.locator("#urls").fill(`${site.base}/in-order`);
        await page.getByRole("button", { name: "Submit" }).click();
        const row = page.locator('[data-testid="job"][data-status="done"]', { hasText: "/in-order" });
        await row.waitFor();
        assert.equal(await row.locator("td:nth-child(4)").textContent(), "In order");
        assert.equal(await page.locator("#error").textContent(), "", "no 400: the front end got the group key a FIFO queue needs");
    });

    it("lists each priority level and sends to the level chosen (the spec queue with x-priority)", async () => {
        assert.deepEqual(await page.locator("#queue-select option").allTextContents(), ["scrape", "ordered", "news-breaking", "news-routine"]);
        await page.locator("#queue-select").selectOption("news-breaking");
        await page.locator("#urls").fill(`${site.base}/urgent`);
        await page.getByRole("button", { name: "Submit" }).click();
        await waitFor("the message on the breaking level", () => (stack.engine.stats("news-breaking").visible === 1 ? true : undefined));
        assert.equal(stack.engine.stats("news-routine").visible, 0);
        assert.equal(await page.locator("#error").textContent(), "");
    });
});
