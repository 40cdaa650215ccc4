import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { azureWorkerEntries, functionAppArchive, hostJson } from "../../components/azure/code";
import { valueOf } from "../../components/testing/offline";

const root = path.resolve(__dirname, "..", "..");

describe("azure code packaging", () => {
    it("zips a Function App as index.js, its package.json and host.json with the extension bundle", async () => {
        const archive = await valueOf(functionAppArchive("module.exports = 1;"));
        const assets = (await archive.assets) as Record<string, { text: Promise<string> }>;
        assert.deepEqual(Object.keys(assets), ["index.js", "package.json", "host.json"]);
        assert.equal(await assets["index.js"].text, "module.exports = 1;");
        assert.deepEqual(JSON.parse(await assets["package.json"].text), { name: "queuestack-function", main: "index.js" });
        assert.deepEqual(JSON.parse(await assets["host.json"].text), hostJson);
        assert.deepEqual(hostJson.extensionBundle, { id: "Microsoft.Azure.Functions.ExtensionBundle", version: "[4.*, 5.0.0)" });
    });

    it("bundles the adapters from workers/azure", () => {
        assert.deepEqual(
            Object.values(azureWorkerEntries).map((entry) => path.relative(root, entry).replace(/\.(ts|js)$/, "")),
            ["workers/azure/function-worker", "workers/azure/front-end", "workers/azure/vm-receiver"],
        );
    });

    it("keeps Azure off the library entry: queuestack/azure exports the stack and loads @pulumi/azure-native, the root entry neither", () => {
        const output = execFileSync(process.execPath, ["--require", "tsx/cjs", "-e", `
            const loaded = () => Object.keys(require.cache).some((f) => /node_modules\\/@pulumi\\/azure-native\\//.test(f));
            const root = require("./components");
            const before = loaded();
            const azure = require("./components/azure");
            console.log(JSON.stringify({ rootHasAzure: "azure" in root, before, stack: typeof azure.AzureWebQueueWorker, after: loaded() }));
        `], { cwd: root, encoding: "utf8" }).trim();
        assert.deepEqual(JSON.parse(output), { rootHasAzure: false, before: false, stack: "function", after: true });
    });
});
