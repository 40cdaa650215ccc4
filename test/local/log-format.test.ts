import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import * as path from "node:path";
import { logFormat, prettyLine } from "../../local/log-format";
import { repoRoot, waitFor, writeStack } from "./helpers";

describe("local runner logs: readable on a terminal, JSON when piped", function () {
    this.timeout(60_000);

    it("picks pretty on a terminal, JSON otherwise, and QUEUESTACK_LOG_FORMAT over both", () => {
        assert.equal(logFormat({}, true), "pretty");
        assert.equal(logFormat({}, false), "json");
        assert.equal(logFormat({ QUEUESTACK_LOG_FORMAT: "json" }, true), "json");
        assert.equal(logFormat({ QUEUESTACK_LOG_FORMAT: "pretty" }, false), "pretty");
        assert.throws(() => logFormat({ QUEUESTACK_LOG_FORMAT: "yaml" }, true), new TypeError('QUEUESTACK_LOG_FORMAT is "yaml"; set it to "pretty" or "json", or unset it (pretty on a terminal, JSON when piped).'));
    });

    it("renders a record as one line, time, level, message and its own fields, an error's stack indented below", () => {
        const line = JSON.stringify({ level: "warn", time: "2026-12-05T06:10:11.123Z", service: "queuestack-local", pid: 7, worker: "scraper", alarm: "scrape-dead-letters", value: 3, msg: "ALARM scrape-dead-letters: 3 message(s)" });
        assert.equal(prettyLine(line), "06:10:11 WARN  ALARM scrape-dead-letters: 3 message(s) worker=scraper alarm=scrape-dead-letters value=3\n");
        const failed = JSON.stringify({ level: "error", time: "2026-12-05T06:10:12.000Z", err: { message: "boom", stack: "Error: boom\n    at x (y.ts:1:1)" }, msg: "front end failed", reason: "two words" });
        assert.equal(prettyLine(failed), '06:10:12 ERROR front end failed reason="two words"\n    Error: boom\n        at x (y.ts:1:1)\n');
        assert.equal(prettyLine("not json"), "not json\n");
    });

    for (const [mode, env] of [["piped (JSON)", {}], ["QUEUESTACK_LOG_FORMAT=pretty (as on a terminal)", { QUEUESTACK_LOG_FORMAT: "pretty" }]] as const) {
        it(`writes the runner's log ${mode}`, async () => {
            const dir = writeStack("logs", { name: "logs", frontEnd: { auth: "none" }, queues: [{ name: "jobs" }] });
            try {
                const child = spawn(process.execPath, ["--import", "tsx", path.join(repoRoot, "local", "main.ts"), "--stack", "logs", "--dir", dir, "--port", "0"], {
                    cwd: repoRoot,
                    env: { ...process.env, ...env },
                    stdio: ["ignore", "pipe", "pipe"],
                });
                let output = "";
                child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
                await waitFor("the banner", () => (output.includes("Front end:") ? true : undefined), 30_000);
                child.kill("SIGTERM");
                await new Promise((resolve) => child.once("exit", resolve));
                const logLines = output.split("\n").filter((line) => /stopping|stopped/.test(line));
                assert.equal(logLines.length, 2, output);
                if (mode.startsWith("piped")) {
                    const records = logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
                    assert.deepEqual(records.map((r) => [r.level, r.service, r.msg]), [
                        ["info", "queuestack-local", "stopping"],
                        ["info", "queuestack-local", "stopped: unfinished messages are back in the queue"],
                    ]);
                    assert.equal(records[0].signal, "SIGTERM");
                } else {
                    assert.match(logLines[0], /^\d\d:\d\d:\d\d INFO  stopping signal=SIGTERM$/);
                    assert.match(logLines[1], /^\d\d:\d\d:\d\d INFO  stopped: unfinished messages are back in the queue returnedToQueue=0$/);
                }
            } finally {
                rmSync(dir, { recursive: true, force: true });
            }
        });
    }
});
