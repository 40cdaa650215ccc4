import { strict as assert } from "node:assert";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { bundleWorker } from "../../components/build/bundle";
import { azureWorkerEntries, functionAppArchive } from "../../components/azure/code";
import { packageDigestSetting } from "../../components/azure/function-app";
import { FunctionWorker } from "../../components/azure/workers-function";
import { VmWorker } from "../../components/azure/workers-vm";
import { type PlannedResource, runOffline } from "../../components/testing/offline";
import { ofType, one } from "../helpers/resources";
import { appInsights, datastoreRef, global, queueRef, settingsOf, where } from "./fixtures";

const runtime = path.resolve(__dirname, "..", "..", "workers", "runtime");

/** A project whose `workers/handler.ts` returns `result`: the same module path, edited between plans. */
function project(result: string): string {
    const root = mkdtempSync(path.join(tmpdir(), "queuestack-azure-code-"));
    mkdirSync(path.join(root, "workers"));
    writeFileSync(
        path.join(root, "workers", "handler.ts"),
        `import { defineWorker } from ${JSON.stringify(runtime)};\nexport default defineWorker({ handle: async () => ({ result: ${JSON.stringify(result)} }) });\n`,
    );
    return root;
}

/** Plans a function worker and a VM worker running the handler of `projectRoot`. */
function plan(projectRoot: string) {
    const bundle = (entry: string) => bundleWorker({ entry, handlerModule: "workers/handler", projectRoot });
    return runOffline(() => {
        const common = { ...where, ...global, queue: queueRef, datastore: datastoreRef };
        new FunctionWorker("resize", { ...common, appInsights, worker: { name: "resize", queue: "jobs" }, code: functionAppArchive(bundle(azureWorkerEntries.functionWorker)) });
        new VmWorker("crawl", { ...common, worker: { name: "crawl", queue: "jobs", kind: "vm" }, subnetId: "subnet", code: bundle(azureWorkerEntries.vmReceiver) });
    });
}

/** The scale set's boot script (base64 custom data). */
function bootScript(resources: PlannedResource[]): string {
    return (one(resources, "azure-native:compute:VirtualMachineScaleSet").inputs as { virtualMachineProfile: { osProfile: { customData: string } } }).virtualMachineProfile.osProfile.customData;
}

describe("azure code updates", function () {
    // Each plan bundles two adapters with esbuild.
    this.timeout(180_000);
    const roots: string[] = [];
    after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

    it("changes the Function App's settings and the scale set's model when a handler changes, and nothing else of the site", async () => {
        roots.push(project("v1"), project("v2"));
        const before = (await plan(roots[0])).resources;
        const after = (await plan(roots[1])).resources;
        const site = (resources: typeof before) => one(resources, "azure-native:web:WebApp");
        const settings = [settingsOf(before, site(before)), settingsOf(after, site(after))];
        assert.match(settings[0][packageDigestSetting], /^[0-9a-f]{64}$/);
        assert.notEqual(settings[1][packageDigestSetting], settings[0][packageDigestSetting]);
        assert.deepEqual({ ...settings[1], [packageDigestSetting]: "" }, { ...settings[0], [packageDigestSetting]: "" });
        // The site itself is unchanged: the settings carry the change (and restart the app).
        assert.deepEqual(site(after).inputs, site(before).inputs);

        // The boot script (osProfile.customData) is the model change; the SSH key differs on every run and is ignored.
        assert.notEqual(bootScript(after), bootScript(before));
        const bundleBlob = (resources: typeof before) => ofType(resources, "azure-native:storage:Blob").find((b) => b.name === "crawl-bundle")!.inputs.blobName as string;
        assert.match(bundleBlob(before), /^worker-[0-9a-f]{16}\.js$/);
        assert.notEqual(bundleBlob(after), bundleBlob(before));
    });

    it("plans the same inputs for the same code", async () => {
        roots.push(project("same"), project("same"));
        const [first, second] = [(await plan(roots.at(-2)!)).resources, (await plan(roots.at(-1)!)).resources];
        const digest = (resources: typeof first) => settingsOf(resources, one(resources, "azure-native:web:WebApp"))[packageDigestSetting];
        assert.equal(digest(second), digest(first));
        assert.equal(bootScript(second), bootScript(first));
    });
});
