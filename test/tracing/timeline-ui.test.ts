import { strict as assert } from "node:assert";
import { rmSync } from "node:fs";
import * as path from "node:path";
import type { Page } from "playwright-core";
import { startLocalStack, type LocalStack } from "../../local/runner";
import { capturedLogger } from "../workers/helpers/capture-logs";
import { launchChromium, type HeadlessChromium } from "../helpers/chromium";
import { waitFor, writeStack } from "../local/helpers";
import { repaired } from "./fixtures/flaky-worker";

describe("local dashboard: a job's timeline in headless Chromium", function () {
    this.timeout(40_000);
    let dir: string;
    let stack: LocalStack;
    let chromium: HeadlessChromium;
    let page: Page;

    before(async () => {
        dir = writeStack("ui", {
            name: "timeline",
            queues: [{ name: "scrape", maxReceiveCount: 2, processingTimeSeconds: 5 }],
            workers: [{ name: "flaky", queue: "scrape", code: path.join(__dirname, "fixtures", "flaky-worker"), concurrency: 2, idempotency: { enabled: false } }],
        });
        stack = await startLocalStack({ stack: "ui", dir, port: 0, logger: capturedLogger().logger, retryBaseSeconds: 0.1, pollIntervalMs: 20, tracing: true });
        chromium = await launchChromium();
        page = chromium.page;
    });
    afterEach(async function () {
        if (this.currentTest?.state !== "failed") return;
        console.log(`screenshot of the failure: ${await chromium.screenshot(this.currentTest.title)}`);
    });
    after(async () => {
        await chromium?.close();
        await stack?.stop();
        rmSync(dir, { recursive: true, force: true });
    });

    it("opens a dead letter's timeline from the DLQ table, and shows the redrive after one", async () => {
        const response = await fetch(`${stack.url}/queues/scrape/messages`, { method: "POST", headers: { "content-type": "application/json", "x-api-key": stack.apiKey! }, body: JSON.stringify({ mode: "broken", key: "ui" }) });
        const { messageId: id } = (await response.json()) as { messageId: string };
        await page.goto(stack.dashboardUrl);
        const link = page.locator(`tr[data-testid="dead-letter"][data-id="${id}"] a[data-testid="timeline-link"]`);
        await link.waitFor({ timeout: 15_000 });
        await link.click();
        await page.waitForURL(/\/dashboard\/timeline#id=/);
        const labels = () => page.locator('tr[data-testid="step"] td.label').allTextContents();
        await waitFor("the dead-lettered step", async () => {
            await page.reload();
            await page.locator('tr[data-testid="step"]').first().waitFor();
            const now = await labels();
            return now[0]?.startsWith("accepted") && now.includes("dead-lettered: Error: the page is broken") ? true : undefined;
        });
        assert.deepEqual((await labels()).map((l) => l.replace(/\d+ ms/, "N ms")), [
            "accepted (POST /queues/{queue}/messages -> 202)",
            "waited N ms in the queue",
            "attempt 1 failed: Error: the page is broken",
            "waited N ms in the queue",
            "attempt 2 failed: Error: the page is broken",
            "dead-lettered: Error: the page is broken",
        ]);
        assert.equal(await page.locator('tr[data-testid="step"].failed').count(), 3, "the failed attempts and the dead-lettering are marked");

        repaired.add("ui");
        await page.goto(stack.dashboardUrl);
        await page.locator(`tr[data-testid="dead-letter"][data-id="${id}"]`).getByRole("button", { name: "Redrive" }).click();
        await page.goto(`${stack.url}/dashboard/timeline#id=${id}`);
        await waitFor("the attempt after the redrive", async () => {
            await page.reload();
            await page.locator('tr[data-testid="step"]').first().waitFor();
            const now = await labels();
            return now[0]?.startsWith("accepted") && now.at(-1) === "attempt 1: done" ? true : undefined;
        });
        assert.deepEqual((await labels()).slice(-3).map((l) => l.replace(/\d+ ms/, "N ms")), ["redriven to scrape", "waited N ms in the queue", "attempt 1: done"]);
        if (process.env.QUEUESTACK_TIMELINE_SCREENSHOT) await page.screenshot({ path: process.env.QUEUESTACK_TIMELINE_SCREENSHOT, fullPage: true });
    });

    it("links each submitted job in the jobs table to its timeline", async () => {
        await page.goto(stack.dashboardUrl);
        await page.fill("#urls", "https://example.com/a");
        await page.click('#submit-form button[type="submit"]');
        const link = page.locator('tr[data-testid="job"] a[data-testid="timeline-link"]').first();
        await link.waitFor();
        const id = await link.textContent();
        await link.click();
        await page.waitForURL(`**/dashboard/timeline#id=${id}`);
        await waitFor("the done attempt", async () => {
            await page.reload();
            await page.locator('tr[data-testid="step"]').first().waitFor();
            const kinds = await page.locator('tr[data-testid="step"]').evaluateAll((rows) => rows.map((r) => r.getAttribute("data-kind")));
            // The request's span ends after its send: it may be stored a moment after the attempt.
            return kinds[0] === "accepted" && kinds.at(-1) === "attempt" ? kinds : undefined;
        });
        assert.equal(await page.locator("#job-id").textContent(), id);
        assert.deepEqual(await page.locator('tr[data-testid="step"] td.label').allTextContents().then((l) => [l[0], l.at(-1)]), ["accepted (POST /queues/{queue}/messages -> 202)", "attempt 1: done"]);
    });
});
