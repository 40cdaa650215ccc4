import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";

/** Debian's Chromium; CI installs it (.ci/run). CHROMIUM_PATH points elsewhere. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Where a failing browser test leaves its screenshot. */
export const screenshotDir = path.join(tmpdir(), "queuestack-test-screenshots");

/** A headless Chromium with a fresh profile, and its first page. */
export interface HeadlessChromium {
    browser: BrowserContext;
    page: Page;
    /** Closes the browser and removes its profile. */
    close(): Promise<void>;
    /** Saves a full-page screenshot named after `title` under screenshotDir; returns its path. */
    screenshot(title: string): Promise<string>;
}

/**
 * Launches the browser tests' Chromium: headless, no sandbox (CI runs as root), no GPU, QUIC,
 * first-run UI, background networking, component updates or sync, with a fresh profile per launch
 * (playwright passes it as --user-data-dir).
 */
export async function launchChromium(): Promise<HeadlessChromium> {
    const profile = mkdtempSync(path.join(tmpdir(), "queuestack-chromium-"));
    try {
        const browser = await chromium.launchPersistentContext(profile, {
            executablePath: chromiumPath,
            args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        const page = browser.pages()[0] ?? (await browser.newPage());
        return {
            browser,
            page,
            close: async () => {
                await browser.close();
                rmSync(profile, { recursive: true, force: true });
            },
            screenshot: async (title) => {
                mkdirSync(screenshotDir, { recursive: true });
                const file = path.join(screenshotDir, `${title.replace(/\W+/g, "-")}.png`);
                await page.screenshot({ path: file, fullPage: true });
                return file;
            },
        };
    } catch (error) {
        rmSync(profile, { recursive: true, force: true });
        throw error;
    }
}
