import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { runOffline, valueOf, withoutAssets } from "../../components/testing/offline";

describe("offline mocks: code packages are recorded but not echoed back in the mock state", () => {
    it("records a resource's assets as inputs and leaves them out of the state the mock returns, keeping every other input", async () => {
        const code = new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset("x".repeat(1000)) });
        /** A provider resource as any generated SDK class declares it. */
        class Thing extends pulumi.CustomResource {
            constructor(name: string, inputs: pulumi.Inputs) {
                super("test:index:Thing", name, inputs);
            }
        }
        const { result, resources } = await runOffline(() => {
            const thing = new Thing("thing", {
                name: "thing-1",
                code,
                nested: { source: new pulumi.asset.StringAsset("y"), keep: 1 },
                files: [new pulumi.asset.StringAsset("z"), "plain"],
            }) as unknown as Record<string, pulumi.Output<unknown>>;
            return { name: thing.name, code: thing.code, nested: thing.nested, files: thing.files };
        });
        const [recorded] = resources;
        assert.equal(resources.length, 1);
        assert.ok(pulumi.asset.Archive.isInstance(recorded.inputs.code), "the recorded input keeps the archive");
        const source = (recorded.inputs.nested as Record<string, unknown>).source as pulumi.asset.StringAsset;
        assert.equal(await source.text, "y");
        const monitor = pulumi.runtime.getMonitor() as unknown as { getRegisteredResources(): Map<string, { state: Record<string, unknown> }> };
        const [echoed] = [...monitor.getRegisteredResources().values()].map((r) => r.state);
        assert.deepEqual(echoed, { id: "thing-1-id", name: "thing-1", nested: { keep: 1 }, files: [null, "plain"] });
        // The program still sees its inputs as outputs (the SDK fills outputs a provider leaves out).
        assert.equal(await valueOf(result.name), "thing-1");
        const output = (await valueOf(result.code)) as pulumi.asset.AssetArchive;
        assert.equal(await ((await output.assets)["index.js"] as pulumi.asset.StringAsset).text, "x".repeat(1000));
    });

    it("returns the same object when there is no asset to leave out", () => {
        const inputs = { name: "a", tags: { team: "b" }, list: [1, { c: 2 }] };
        assert.equal(withoutAssets(inputs), inputs);
    });
});
