import { strict as assert } from "node:assert";
import { rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { SpecError } from "../../components/spec";
import { startLocalStack } from "../../local/runner";
import { repoRoot, writeStack } from "./helpers";

const spec = (workers: Record<string, unknown>[]) => ({ name: "typo", frontEnd: { auth: "none" }, queues: [{ name: "jobs" }], workers });
const echo = path.join(repoRoot, "test", "local", "fixtures", "echo-worker");

describe("local runner: the stack's problems as SpecError lines, before anything starts", () => {
    const dirs: string[] = [];
    after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

    it("refuses a queuestack:cloud that plan refuses, with the same line", async () => {
        const dir = writeStack("typo", spec([{ name: "echo", queue: "jobs", code: echo }]));
        dirs.push(dir);
        const file = path.join(dir, "Pulumi.typo.yaml");
        writeFileSync(file, stringify({ config: { "queuestack:cloud": "awz", "queuestack:spec": spec([{ name: "echo", queue: "jobs", code: echo }]) } }));
        await assert.rejects(startLocalStack({ stack: "typo", dir, port: 0 }), (error: Error) => {
            assert.ok(error instanceof SpecError);
            assert.equal(error.message, 'Invalid queuestack spec (1 problem):\n  cloud: must be one of aws | azure | gcp | local (got "awz"). Did you mean "aws"?');
            return true;
        });
    });

    it("names every worker whose module is missing or cannot load, instead of a stack trace", async () => {
        const dir = writeStack("typo", spec([
            { name: "missing", queue: "jobs", code: "workers/nope" },
            { name: "broken", queue: "jobs", code: "broken-worker.ts" },
            { name: "empty", queue: "jobs", code: "empty-worker.ts" },
            { name: "echo", queue: "jobs", code: echo },
        ]));
        dirs.push(dir);
        writeFileSync(path.join(dir, "broken-worker.ts"), 'import "left-pad-that-is-not-installed";\nexport default {};\n');
        writeFileSync(path.join(dir, "empty-worker.ts"), "export const answer = 42;\n");
        await assert.rejects(startLocalStack({ stack: "typo", dir, port: 0 }), (error: Error) => {
            assert.ok(error instanceof SpecError);
            assert.equal(
                error.message,
                [
                    "Invalid worker code (3 problems):",
                    `  workers[0].code: must name a worker module; there is none at ${path.join(dir, "workers", "nope")} (.ts, .js or a folder with index.ts) (got "workers/nope"). Fix the path (it is relative to ${dir}), or create the module with \`export default defineWorker({ ... })\`.`,
                    `  workers[1].code: names a module that imports "left-pad-that-is-not-installed", which cannot be found (got "broken-worker.ts"). Install it (npm install left-pad-that-is-not-installed), or fix the import in ${path.join(dir, "broken-worker.ts")}.`,
                    '  workers[2].code: must export a worker (got "empty-worker.ts"). Add `export default defineWorker({ handle(message, context) { ... } })` to the module.',
                ].join("\n"),
            );
            return true;
        });
    });
});
