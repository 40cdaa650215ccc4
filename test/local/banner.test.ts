import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { rmSync } from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { samplePage } from "../../local/front-end/sample-page";
import { banner } from "../../local/main";
import { startLocalStack, type LocalStack } from "../../local/runner";
import { capturedLogger } from "../workers/helpers/capture-logs";
import { repoRoot, waitFor, writeStack } from "./helpers";

describe("local runner banner: the Try command works offline", function () {
    this.timeout(30_000);
    let dir: string;
    let stack: LocalStack;

    before(async () => {
        dir = writeStack("try", { name: "portfolio", queues: [{ name: "scrape" }], workers: [{ name: "scraper", queue: "scrape", code: path.join(repoRoot, "workers", "example") }] });
        stack = await startLocalStack({ stack: "try", dir, port: 0, logger: capturedLogger().logger, pollIntervalMs: 20 });
    });
    after(async () => {
        await stack?.stop();
        rmSync(dir, { recursive: true, force: true });
    });

    it("names the sample page the stack serves, and running it as printed scrapes that page", async () => {
        const tryLine = banner("try", stack).split("\n").find((line) => line.startsWith("  Try:"))!;
        const command = tryLine.replace(/^ {2}Try: +/, "");
        assert.equal(command, `curl -X POST ${stack.url}/queues/scrape/messages -H 'x-api-key: ${stack.apiKey}' -d '{"url": "${stack.url}/sample"}'`);
        assert.doesNotMatch(command, /https?:\/\/(?!127\.0\.0\.1:)/, "no address outside this machine");

        const sample = await fetch(`${stack.url}${samplePage.path}`);
        assert.deepEqual([sample.status, sample.headers.get("content-type")], [200, "text/html; charset=utf-8"]);

        const { stdout } = await promisify(execFile)("sh", ["-c", command]);
        const { messageId } = JSON.parse(stdout) as { messageId: string };
        const done = await waitFor("the sample job to finish", async () => {
            const record = (await (await fetch(`${stack.url}/jobs/${messageId}`, { headers: { "x-api-key": stack.apiKey! } })).json()) as { status: string; result?: Record<string, unknown> };
            return record.status === "done" ? record.result! : undefined;
        });
        assert.deepEqual([done.url, done.title, done.publishedAt], [`${stack.url}/sample`, samplePage.title, samplePage.publishedAt]);
    });
});
