import { strict as assert } from "node:assert";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { bundleCounts, bundleWorker, forgetBundles } from "../../components/build/bundle";
import { bundleCacheDirectory } from "../../components/build/bundle-cache";

/** Every file and directory under `root` dated 10 s ago: edits made before the build, as in real use. */
function settle(root: string): void {
    const past = new Date(Date.now() - 10_000);
    const walk = (dir: string) => {
        for (const entry of readdirSync(dir, { withFileTypes: true })) {
            const full = path.join(dir, entry.name);
            if (entry.isDirectory()) walk(full);
            utimesSync(full, past, past);
        }
        utimesSync(dir, past, past);
    };
    walk(root);
}

describe("build: bundle cache across runs", function () {
    this.timeout(30_000);
    let root: string;
    let entry: string;

    /** Bundles the fixture as a fresh process would (nothing remembered in memory); returns the code and whether esbuild ran. */
    async function bundleFresh(): Promise<{ code: string; built: boolean }> {
        forgetBundles();
        const built = bundleCounts.built;
        const fromCache = bundleCounts.fromCache;
        const code = await bundleWorker({ entry, projectRoot: root });
        assert.equal(bundleCounts.built - built + bundleCounts.fromCache - fromCache, 1);
        return { code, built: bundleCounts.built > built };
    }
    const write = (file: string, text: string) => {
        mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        writeFileSync(path.join(root, file), text);
    };

    beforeEach(() => {
        root = mkdtempSync(path.join(tmpdir(), "queuestack-bundle-cache-"));
        entry = path.join(root, "entry.ts");
        write("entry.ts", `import { value } from "./lib";\nimport dep from "dep";\nexport const out = value + "+" + dep;\n`);
        write("lib.js", `exports.value = "lib-js";\n`);
        write("node_modules/dep/package.json", JSON.stringify({ name: "dep", main: "a.js" }));
        write("node_modules/dep/a.js", `module.exports = "dep-a";\n`);
        write("node_modules/dep/b.js", `module.exports = "dep-b";\n`);
        bundleCacheDirectory(root); // creates it
        settle(root);
    });
    afterEach(() => {
        forgetBundles();
        rmSync(root, { recursive: true, force: true });
    });

    it("keeps the cache in the project's node_modules/.cache", () => {
        assert.ok(statSync(path.join(root, "node_modules/.cache/queuestack/bundles")).isDirectory());
        assert.equal(bundleCacheDirectory(root), path.join(root, "node_modules", ".cache", "queuestack", "bundles"));
    });

    it("builds once, then answers from the cache with the same code", async () => {
        const first = await bundleFresh();
        assert.equal(first.built, true);
        assert.match(first.code, /lib-js/);
        assert.match(first.code, /dep-a/);
        const second = await bundleFresh();
        assert.deepEqual(second, { code: first.code, built: false });
    });

    it("builds again when an input's content changed", async () => {
        await bundleFresh();
        write("lib.js", `exports.value = "lib-js-edited";\n`);
        settle(root);
        const after = await bundleFresh();
        assert.equal(after.built, true);
        assert.match(after.code, /lib-js-edited/);
    });

    it("builds again when a new file would now be resolved instead (lib.ts beside lib.js)", async () => {
        await bundleFresh();
        write("lib.ts", `export const value: string = "lib-ts";\n`);
        settle(root);
        const after = await bundleFresh();
        assert.equal(after.built, true);
        assert.match(after.code, /lib-ts/);
        assert.doesNotMatch(after.code, /lib-js/);
    });

    it("builds again when a package's main changed though no file it pointed to did", async () => {
        await bundleFresh();
        write("node_modules/dep/package.json", JSON.stringify({ name: "dep", main: "b.js" }));
        settle(root);
        const after = await bundleFresh();
        assert.equal(after.built, true);
        assert.match(after.code, /dep-b/);
        assert.doesNotMatch(after.code, /dep-a/);
    });

    it("builds again when the cached bundle was altered on disk", async () => {
        const first = await bundleFresh();
        const directory = bundleCacheDirectory(root)!;
        const [bundleFile] = readdirSync(directory).filter((name) => name.endsWith(".js"));
        writeFileSync(path.join(directory, bundleFile), `module.exports = "tampered";\n`);
        const after = await bundleFresh();
        assert.deepEqual(after, { code: first.code, built: true });
    });

    it("stores nothing when an input was modified as the build started (it may have read the older content)", async () => {
        write("lib.js", `exports.value = "just-written";\n`);
        assert.ok(statSync(path.join(root, "lib.js")).mtimeMs > Date.now() - 1_000);
        assert.equal((await bundleFresh()).built, true);
        assert.equal((await bundleFresh()).built, true);
        settle(root);
        await bundleFresh(); // stores it now that the input is settled (if the second build did not already)
        assert.equal((await bundleFresh()).built, false);
    });

    it("always builds when QUEUESTACK_BUNDLE_CACHE=off", async () => {
        process.env.QUEUESTACK_BUNDLE_CACHE = "off";
        try {
            assert.equal(bundleCacheDirectory(root), undefined);
            assert.equal((await bundleFresh()).built, true);
            assert.equal((await bundleFresh()).built, true);
        } finally {
            delete process.env.QUEUESTACK_BUNDLE_CACHE;
        }
    });
});
