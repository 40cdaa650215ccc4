import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { bootPrelude, workerServiceScript } from "../../components/vm/worker-service";

/** Runs the prelude plus `steps` in bash (no sleeping: retry delay 0), returning exit status and stderr. */
function runBoot(steps: string, onBootFailure?: string) {
    const script = ["set -euo pipefail", bootPrelude({ onBootFailure, attempts: 3, delaySeconds: 0 }), steps].join("\n");
    const result = spawnSync("bash", ["-c", script], { encoding: "utf8" });
    return { status: result.status, stderr: result.stderr };
}

describe("vm worker boot script", () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), "queuestack-boot-"))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it("retries a failing step until it succeeds, then carries on", () => {
        const counter = path.join(dir, "tries");
        // Fails on tries 1 and 2 (the first command of a multi-line step fails: set -e holds inside it), succeeds on 3.
        const steps = `flaky() {\necho x >> ${counter}\n[ "$(wc -l < ${counter})" -ge 3 ]\necho done > ${dir}/step\n}\nretry flaky\necho after > ${dir}/after`;
        const { status, stderr } = runBoot(steps);
        assert.equal(status, 0, stderr);
        assert.equal(readFileSync(counter, "utf8"), "x\nx\nx\n");
        assert.equal(readFileSync(path.join(dir, "after"), "utf8"), "after\n");
        assert.match(stderr, /^queuestack boot: flaky failed \(exit 1\), try 1 of 3, retrying in 0 s$/m);
        assert.match(stderr, /^queuestack boot: flaky failed \(exit 1\), try 2 of 3, retrying in 0 s$/m);
    });

    it("runs onBootFailure and exits with the step's status once the tries are used up", () => {
        const steps = `broken() {\nexit 7\n}\nretry broken\necho unreachable > ${dir}/after`;
        const { status, stderr } = runBoot(steps, `echo failed > ${dir}/handled`);
        assert.equal(status, 7);
        assert.match(stderr, /^queuestack boot: broken failed 3 times \(exit 7\)$/m);
        assert.equal(readFileSync(path.join(dir, "handled"), "utf8"), "failed\n");
        assert.throws(() => readFileSync(path.join(dir, "after")), /ENOENT/);
    });

    it("keeps callers that pass only the original fields working: env node, no failure hook", () => {
        const script = workerServiceScript({ installNode: "true", fetchBundle: "true", environment: { A: "1" }, stopTimeoutSeconds: 60 });
        assert.match(script, /^ExecStart=\/usr\/bin\/env node \/opt\/queuestack\/worker\.js$/m);
        assert.doesNotMatch(script, /shutdown/);
        assert.match(script, /^retry install_node$/m);
        assert.equal(spawnSync("bash", ["-n", "-c", script]).status, 0, "the script parses");
    });
});
