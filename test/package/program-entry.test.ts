import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { parse } from "yaml";
import { loadStackConfig } from "../../components/stack-config";
import { runOffline } from "../../components/testing/offline";
import { program } from "../../program";
import { builtRoot, packOnce, root } from "./tarball";

/**
 * What Pulumi's nodejs language host hands to `@pulumi/pulumi/cmd/run`: Pulumi.yaml's `main`
 * relative to the project, or "." when it sets none (run.js then falls back to package.json
 * `exports["."]` or `main`).
 */
const pulumiYamlMain = (parse(readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as { main?: string }).main ?? ".";

/**
 * Loads the project through Pulumi's own `run` (the function the nodejs host calls: entry resolution,
 * package.json fallback, require of the program, its exports as stack outputs) under the offline
 * mocks, in a fresh Node process in the built copy of the repository. tsx stands in for the ts-node the host registers,
 * the offline mocks for the engine.
 */
async function runAsPulumiDoes(entry: string): Promise<{ resources: string[]; outputs: string[] }> {
    const script = `
        const { runOffline } = require("./components/testing/offline");
        const { loadStackConfig } = require("./components/stack-config");
        // run.js requires its launcher (cmd/run/index.js), which parses --monitor and connects to the
        // engine at load: stand it in by the one value run.js reads from it; the mocks are the engine.
        const launcher = require.resolve("@pulumi/pulumi/cmd/run/index.js");
        require.cache[launcher] = { id: launcher, filename: launcher, loaded: true, exports: { nodeJSProcessExitedAfterLoggingUserActionableMessage: 32 } };
        const { run } = require("@pulumi/pulumi/cmd/run/run");
        runOffline(() => run({ _: [${JSON.stringify(entry)}] }, () => {}, () => {}, () => false), { project: "queuestack", stack: "dev", config: loadStackConfig("dev") })
            .then(({ result, resources }) => {
                console.log(JSON.stringify({ resources: resources.map((r) => r.type + "::" + r.name), outputs: Object.keys(result ?? {}).sort() }));
                process.exit(0);
            }, (error) => { console.error(error); process.exit(1); });
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ["--require", "tsx/cjs", "-e", script], { cwd: builtRoot, maxBuffer: 16 * 1024 * 1024 });
    return JSON.parse(stdout.trim().split("\n").pop()!);
}

const stackResource = "pulumi:pulumi:Stack::queuestack-dev";

describe("the repository's Pulumi program, loaded as `pulumi up` loads it, with dist/ built", function () {
    this.timeout(900_000);

    before(async () => {
        await packOnce(); // prepack builds dist/ in builtRoot (a copy of the repository), the state in which package.json main exists
    });

    it("Pulumi.yaml pins main to index.ts", () => {
        assert.equal(pulumiYamlMain, "index.ts");
    });

    it("declares every resource of the offline plan and the stack outputs", async () => {
        const loaded = await runAsPulumiDoes(pulumiYamlMain);
        const planned = await runOffline(() => program(), { project: "queuestack", stack: "dev", config: loadStackConfig("dev", root) });
        const expected = planned.resources.map((r) => `${r.type}::${r.name}`).sort();
        assert.deepEqual(loaded.resources.filter((r) => r !== stackResource).sort(), expected);
        assert.equal(loaded.resources.filter((r) => r.startsWith("aws:sqs/queue:Queue::")).length, 2); // scrape and its dead-letter queue
        assert.deepEqual(loaded.outputs, ["alarmTopic", "apiKeySecret", "datastoreName", "frontEndUrl", "queues"]);
    });

    it("without the pin, would run package.json's library entry: no resource but the stack, the library's exports as outputs", async () => {
        const manifest = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { exports: Record<string, { default: string }> };
        assert.equal(manifest.exports["."].default, "./dist/components/index.js");
        const loaded = await runAsPulumiDoes(".");
        assert.deepEqual(loaded.resources, [stackResource]);
        assert.deepEqual(["WebQueueWorker", "validateSpec", "frontEndUrl", "queues"].filter((name) => loaded.outputs.includes(name)), ["WebQueueWorker", "validateSpec"]);
    });
});
