import { strict as assert } from "node:assert";
import { rmSync } from "node:fs";
import type { Page, Route } from "playwright-core";
import { deadLetterPaging } from "../../local/front-end/dashboard-api";
import { startLocalStack, type LocalStack } from "../../local/runner";
import { launchChromium, type HeadlessChromium } from "../helpers/chromium";
import { capturedLogger } from "../workers/helpers/capture-logs";
import { waitFor, writeStack } from "./helpers";

const poisonCount = 100;
const poisonBytes = 240 * 1024;
const longReason = `Error: the page is poison ${"x".repeat(5_000)}`;

/**
 * What one dead-letter page may weigh: per row, the body and reason previews (previewChars each;
 * these bodies are ASCII JSON, where escaping at most doubles a character) and 512 bytes for the
 * id, counts, dates and keys; 256 bytes for the page's own fields.
 */
const rowBound = 2 * deadLetterPaging.previewChars * 2 + 512;
const pageBound = deadLetterPaging.pageSize * rowBound + 256;

/** A 240 KB JSON body whose `n` says which poison message it is. */
const poison = (n: number) => {
    const head = JSON.stringify({ n, url: `http://127.0.0.1:9/poison/${n}`, padding: "" });
    return `${head.slice(0, -2)}${"p".repeat(poisonBytes - head.length)}"}`;
};

describe("local dashboard with 100 x 240 KB dead letters, in headless Chromium", function () {
    this.timeout(90_000);
    let dir: string;
    let stack: LocalStack;
    let chromium: HeadlessChromium;
    let page: Page;
    /** Body bytes of every /api response the page received, by path and query. */
    const served: { path: string; bytes: number }[] = [];
    let ids: string[] = [];

    before(async () => {
        // No worker: the poison messages stay where the test puts them. The alarm timer never fires
        // again after start, so the alarm text can only be in step with the cards if it comes with them.
        dir = writeStack("big", { name: "poisoned", queues: [{ name: "scrape", maxReceiveCount: 1 }] });
        stack = await startLocalStack({ stack: "big", dir, port: 0, logger: capturedLogger().logger, alarmIntervalSeconds: 3_600 });
        for (let n = 0; n < poisonCount; n++) stack.engine.send("scrape", poison(n));
        for (;;) {
            const deliveries = stack.engine.receive("scrape", 10);
            if (deliveries.length === 0) break;
            for (const d of deliveries) stack.engine.deadLetter(d.receipt, d.id === deliveries[0].id ? longReason : "Error: the page is poison");
        }
        ids = stack.engine.deadLetters.list("scrape", poisonCount).map((d) => d.id);
        assert.equal(ids.length, poisonCount);
        chromium = await launchChromium();
        page = chromium.page;
        page.on("requestfinished", (request) => {
            const url = new URL(request.url());
            if (!url.pathname.startsWith("/api/")) return;
            void request.sizes().then((sizes) => served.push({ path: url.pathname + url.search, bytes: sizes.responseBodySize }));
        });
    });
    afterEach(async function () {
        if (this.currentTest?.state === "failed") console.log(`screenshot of the failure: ${await chromium.screenshot(this.currentTest.title)}`);
    });
    after(async () => {
        await chromium?.close();
        await stack?.stop();
        rmSync(dir, { recursive: true, force: true });
    });

    it(`lists the first page of ${deadLetterPaging.pageSize} previews, each poll under ${pageBound} bytes, and no whole body until asked`, async () => {
        await page.goto(stack.dashboardUrl);
        await page.getByTestId("dead-letter").first().waitFor();
        assert.equal(await page.getByTestId("dead-letter").count(), deadLetterPaging.pageSize);
        assert.equal(await page.locator("#dlq-range").textContent(), `1–${deadLetterPaging.pageSize} of ${poisonCount}`);
        assert.deepEqual(await page.getByTestId("dead-letter").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-id"))), ids.slice(0, deadLetterPaging.pageSize));
        const first = page.getByTestId("dead-letter").first();
        assert.equal(await first.locator(".preview").textContent(), `${poison(0).slice(0, deadLetterPaging.previewChars)}…`);
        assert.equal(await first.locator(".reason").textContent(), `${longReason.slice(0, deadLetterPaging.previewChars)}…`);
        assert.equal(await first.locator(".muted").textContent(), " (240.0 KB)");

        // Three more polls of each part.
        const pagesBefore = served.filter((s) => s.path.includes("/dead-letters?")).length;
        await waitFor("three more polls", () => (served.filter((s) => s.path.includes("/dead-letters?")).length >= pagesBefore + 3 ? true : undefined), 20_000);
        const pages = served.filter((s) => s.path.startsWith("/api/queues/scrape/dead-letters?"));
        assert.ok(pages.length >= 4);
        for (const p of pages) assert.ok(p.bytes > 0 && p.bytes <= pageBound, `${p.path} served ${p.bytes} bytes (bound ${pageBound})`);
        for (const o of served.filter((s) => s.path === "/api/overview")) assert.ok(o.bytes <= 4_096, `the overview served ${o.bytes} bytes`);
        assert.deepEqual(served.filter((s) => /\/dead-letters\/[^?]/.test(s.path)), [], "no whole body fetched before Show body");

        await first.getByRole("button", { name: "Show body" }).click();
        const full = first.getByTestId("full-body");
        await full.waitFor();
        assert.equal(await full.textContent(), poison(0));
        const bodies = served.filter((s) => /\/dead-letters\/[^?]/.test(s.path));
        assert.deepEqual(bodies.map((b) => b.path), [`/api/queues/scrape/dead-letters/${ids[0]}`]);
        assert.ok(bodies[0].bytes > poisonBytes, "the whole body came on demand");
    });

    it("pages forward and back through the dead-letter queue", async () => {
        await page.getByRole("button", { name: "Next" }).click();
        await waitFor("the second page", async () => ((await page.locator("#dlq-range").textContent()) === `21–40 of ${poisonCount}` ? true : undefined));
        assert.deepEqual(await page.getByTestId("dead-letter").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-id"))), ids.slice(20, 40));
        for (let i = 0; i < 3; i++) await page.getByRole("button", { name: "Next" }).click();
        await waitFor("the last page", async () => ((await page.locator("#dlq-range").textContent()) === `81–100 of ${poisonCount}` ? true : undefined));
        assert.equal(await page.getByRole("button", { name: "Next" }).isDisabled(), true);
        await page.getByRole("button", { name: "Previous" }).click();
        await waitFor("the fourth page", async () => ((await page.locator("#dlq-range").textContent()) === `61–80 of ${poisonCount}` ? true : undefined));
    });

    it("keeps the live cards moving while the dead-letter table is stuck, with a delayed card and alarm text in step", async () => {
        const stuck: Route[] = [];
        await page.route("**/api/queues/*/dead-letters?*", (route) => void stuck.push(route));
        await waitFor("a dead-letter poll to hang", () => (stuck.length > 0 ? true : undefined));
        stack.engine.send("scrape", JSON.stringify({ url: "http://127.0.0.1:9/later" }), { delaySeconds: 3_600 });
        stack.engine.send("scrape", JSON.stringify({ url: "http://127.0.0.1:9/now" }));
        const [redriven] = ids;
        assert.equal(stack.engine.deadLetters.redrive("scrape", [redriven]), 1);
        // One read of the rendered page, so the cards and the alarm text are compared as shown together.
        const reading = () =>
            page.evaluate<{ depth?: string; delayed?: string; dlq?: string; alarm?: string }>(`(() => {
                const value = (id) => document.querySelector('[data-testid="' + id + '"] .value')?.textContent;
                const alarm = [...document.querySelectorAll("#alarms li")].map((li) => li.textContent).find((t) => t.includes("scrape-dead-letters"));
                return { depth: value("depth-scrape"), delayed: value("delayed-scrape"), dlq: value("dlq-scrape"), alarm };
            })()`);
        const now = await waitFor("the cards to show the new numbers", async () => {
            const r = await reading();
            return r.depth === "2" && r.delayed === "1" && r.dlq === `${poisonCount - 1}` ? r : undefined;
        });
        assert.equal(now.alarm, `ALARM scrape-dead-letters: ${poisonCount - 1} message(s) in the dead-letter queue of "scrape" (alarm at 1)`);
        assert.equal(stuck.length, 1, "the table's poll is still waiting: the cards did not wait for it");
        for (const route of stuck) await route.continue();
        await page.unroute("**/api/queues/*/dead-letters?*");
    });
});
