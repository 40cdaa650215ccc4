import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { runOffline } from "../../components/testing/offline";
import { SpecError, validateSpec, type SpecInput } from "../../components/spec";
import { WebQueueWorker } from "../../components/web-queue-worker";
import { AwsWebQueueWorker } from "../../components/aws/stack";
import { AzureWebQueueWorker } from "../../components/azure/stack";
import { GcpWebQueueWorker } from "../../components/gcp/stack";
import { checkWorkerCode } from "../../components/worker-code";

const root = path.resolve(__dirname, "..", "..");

/** Two workers, a function and a VM, each pointing at a module that is not there. */
const spec: SpecInput = {
    name: "typos",
    queues: [{ name: "jobs" }, { name: "batch" }],
    workers: [
        { name: "fn", queue: "jobs", kind: "function", code: "workers/exampel" },
        { name: "vm", queue: "batch", kind: "vm", code: "workers/missing/index" },
    ],
};

const expected =
    "Invalid queuestack spec (2 problems):\n" +
    `  workers[0].code: must name a module relative to the project directory ${root} (looked for ${root}/workers/exampel{.ts,.js,.mjs,.cjs,/index.ts,/index.js}) (got "workers/exampel"). ` +
    'Set workers[0].code to the path of your module whose default export is defineWorker(...) (from "queuestack/worker"), e.g. "workers/scraper".\n' +
    `  workers[1].code: must name a module relative to the project directory ${root} (looked for ${root}/workers/missing/index{.ts,.js,.mjs,.cjs,/index.ts,/index.js}) (got "workers/missing/index"). ` +
    'Set workers[1].code to the path of your module whose default export is defineWorker(...) (from "queuestack/worker"), e.g. "workers/scraper".';

describe("workers[].code is resolved when the component is constructed", () => {
    it("accepts modules that exist, with or without an extension", () => {
        assert.doesNotThrow(() => checkWorkerCode({ workers: [{ code: "workers/example" }, { code: "workers/example/index.ts" }] as never }, root));
    });

    it("says that the default is queuestack's demo app when a consumer's project does not set workers[].code", () => {
        const consumer = mkdtempSync(path.join(tmpdir(), "qs-consumer-"));
        try {
            assert.throws(() => checkWorkerCode(validateSpec({ name: "orders", queues: [{ name: "jobs" }], workers: [{ name: "fulfil", queue: "jobs" }] }, "aws"), consumer), {
                name: "SpecError",
                message:
                    "Invalid queuestack spec (1 problem):\n" +
                    `  workers[0].code: must name a module relative to the project directory ${consumer} (looked for ${consumer}/workers/example{.ts,.js,.mjs,.cjs,/index.ts,/index.js}) (got "workers/example"). ` +
                    "That is the default, queuestack's own demo app, which is not part of the npm package. " +
                    'Set workers[0].code to the path of your module whose default export is defineWorker(...) (from "queuestack/worker"), e.g. "workers/scraper".',
            });
        } finally {
            rmSync(consumer, { recursive: true, force: true });
        }
    });

    const components = {
        "WebQueueWorker (aws)": () => new WebQueueWorker("typos", { cloud: "aws", spec }),
        "WebQueueWorker (gcp)": () => new WebQueueWorker("typos", { cloud: "gcp", spec }),
        AwsWebQueueWorker: () => new AwsWebQueueWorker("typos", { spec }),
        AzureWebQueueWorker: () => new AzureWebQueueWorker("typos", { spec }),
        GcpWebQueueWorker: () => new GcpWebQueueWorker("typos", { spec }),
    };
    for (const [component, construct] of Object.entries(components)) {
        it(`${component}: throws a SpecError synchronously naming every bad path, and registers no resource`, async () => {
            const { resources } = await runOffline(() => {
                let thrown: unknown;
                try {
                    construct();
                } catch (error) {
                    thrown = error;
                }
                assert.ok(thrown instanceof SpecError, `expected a SpecError, got ${String(thrown)}`);
                assert.equal(thrown.message, expected);
            });
            assert.deepEqual(resources, []);
        });
    }
});
