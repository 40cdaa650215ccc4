import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { bundleCounts, bundleTarget, bundleWorker, workerEntries } from "../../components/build/bundle";
import { deployedRuntimes } from "../../components/runtimes";

/** Loads bundled CommonJS code as Node would load the deployed index.js. */
function load(code: string): Record<string, unknown> {
    const dir = mkdtempSync(path.join(tmpdir(), "queuestack-bundle-"));
    try {
        const file = path.join(dir, "index.js");
        writeFileSync(file, code);
        return require(file);
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

describe("build: bundleWorker", function () {
    this.timeout(30_000);

    it("points workerEntries at the adapter sources", () => {
        const root = path.resolve(__dirname, "..", "..");
        assert.deepEqual(workerEntries, {
            awsLambdaWorker: path.join(root, "workers/aws/lambda-worker.ts"),
            awsFrontEnd: path.join(root, "workers/aws/front-end.ts"),
            awsVmPoller: path.join(root, "workers/aws/vm-poller.ts"),
        });
    });

    it("bundles the Lambda worker with the example app into one self-contained CommonJS file exporting handler", async () => {
        const code = await bundleWorker({ entry: workerEntries.awsLambdaWorker, handlerModule: "workers/example" });
        assert.doesNotMatch(code, /require\("(htmlparser2|pino|@aws-sdk\/[a-z-]+)"\)/, "runtime libraries must be inside the bundle");
        assert.doesNotMatch(code, /queuestack:handler/);
        assert.match(code, /og:image/, "the example's extraction code is inside");
        assert.equal(typeof load(code).handler, "function");
    });

    it("bundles the front end without a handler module", async () => {
        const code = await bundleWorker({ entry: workerEntries.awsFrontEnd });
        assert.equal(typeof load(code).handler, "function");
    });

    it("returns the cached bundle for the same (entry, module) and a fresh build otherwise", async () => {
        const first = bundleWorker({ entry: workerEntries.awsLambdaWorker, handlerModule: "workers/example" });
        assert.equal(bundleWorker({ entry: workerEntries.awsLambdaWorker, handlerModule: "workers/example" }), first);
        const other = bundleWorker({ entry: workerEntries.awsLambdaWorker, handlerModule: "test/workers/fixtures/sleepy-worker" });
        assert.notEqual(other, first);
        assert.notEqual(await other, await first);
        // Answered from this process's memory: neither esbuild nor the cache on disk is asked.
        const before = { ...bundleCounts };
        assert.equal(await bundleWorker({ entry: workerEntries.awsLambdaWorker, handlerModule: "workers/example" }), await first);
        assert.deepEqual(bundleCounts, before);
    });

    it("names the missing handler module, where it looked, and how to fix it", async () => {
        await assert.rejects(bundleWorker({ entry: workerEntries.awsLambdaWorker, handlerModule: "workers/missing" }), {
            message:
                `Worker code "workers/missing" was not found (looked for ${path.resolve("workers/missing")}{.ts,.js,.mjs,.cjs,/index.ts,/index.js}). ` +
                `Set workers[].code to a module path relative to ${process.cwd()} whose default export is defineWorker(...), e.g. "workers/example".`,
        });
    });

    it("fails clearly when an entry needs a handler module and none is given", async () => {
        await assert.rejects(bundleWorker({ entry: workerEntries.awsLambdaWorker }), (error: Error) => {
            assert.match(error.message, /this entry imports queuestack:handler, but no handlerModule was given to bundle it with/);
            return true;
        });
    });

    it("resolves the handler module against projectRoot when given", async () => {
        const code = await bundleWorker({ entry: workerEntries.awsLambdaWorker, handlerModule: "example", projectRoot: path.resolve("workers") });
        assert.equal(typeof load(code).handler, "function");
    });
});

describe("build: bundleTarget", () => {
    it("targets the oldest Node.js major the table deploys anywhere", () => {
        const majors = Object.values(deployedRuntimes).map((runtime) => runtime.nodeMajor);
        assert.deepEqual(majors, [24, 24, 22, 24]);
        assert.equal(bundleTarget, "node22");
    });
});
