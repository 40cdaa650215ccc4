import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as path from "node:path";

const root = path.resolve(__dirname, "..");

/** Runs a snippet in a fresh Node process (so the module cache starts empty) and returns its output. */
function inFreshProcess(code: string): string {
    return execFileSync(process.execPath, ["--require", "tsx/cjs", "-e", code], { cwd: root, encoding: "utf8" }).trim();
}

describe("library entry (components/index.ts)", function () {
    this.timeout(120_000); // a fresh Node process loads @pulumi/aws: slow on a loaded machine
    it("loads no cloud provider SDK and creates no resource when imported; a cloud's entry loads only its own SDK", () => {
        const loaded = inFreshProcess(`
            const sdks = () => Object.keys(require.cache).map((f) => /node_modules\\/@pulumi\\/(aws|azure-native|gcp)\\//.exec(f)?.[1]).filter(Boolean);
            const lib = require("./components");
            const exported = ["WebQueueWorker", "validateSpec", "aws", "azure", "gcp"].filter((k) => k in lib);
            const before = sdks().length;
            const queue = typeof require("./components/aws").Queue;
            console.log(JSON.stringify({ exported, before, queue, after: [...new Set(sdks())] }));
        `);
        assert.deepEqual(JSON.parse(loaded), { exported: ["WebQueueWorker", "validateSpec"], before: 0, queue: "function", after: ["aws"] });
    });

    it("says which package to install when a cloud's SDK is missing", () => {
        const { requireCloudModule } = require("../components/cloud-loader") as typeof import("../components/cloud-loader");
        assert.throws(() => requireCloudModule("@pulumi/not-installed-provider", "@pulumi/not-installed-provider", "azure"), {
            message: 'queuestack: cloud "azure" needs the @pulumi/not-installed-provider package, which is not installed. Run: npm install @pulumi/not-installed-provider',
        });
    });

    it("refuses the local target in a Pulumi program with a pointer to npm start", () => {
        const { loadCloudStack } = require("../components/cloud-loader") as typeof import("../components/cloud-loader");
        assert.throws(() => loadCloudStack("local"), {
            message: 'queuestack: the "local" target runs on this machine with `npm start`, not through Pulumi. Set queuestack:cloud to aws, azure or gcp.',
        });
    });
});
