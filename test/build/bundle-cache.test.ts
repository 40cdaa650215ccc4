import { strict as assert } from "node:assert";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { bundleCounts, bundleWorker, forgetBundles } from "../../components/build/bundle";
import { bundleCacheDirectory, defaultBundleCacheLimits, pruneBundleCache } from "../../components/build/bundle-cache";

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

    it("marks an entry used when it answers, and prunes files unused for 30 days when it stores one", async () => {
        const first = await bundleFresh();
        const directory = bundleCacheDirectory(root)!;
        const entryFiles = readdirSync(directory).sort();
        assert.equal(entryFiles.length, 2, "one manifest and one bundle");
        const monthAgo = new Date(Date.now() - defaultBundleCacheLimits.maxAgeMs - 60_000);
        for (const name of entryFiles) utimesSync(path.join(directory, name), monthAgo, monthAgo);
        assert.deepEqual(await bundleFresh(), { code: first.code, built: false });
        for (const name of entryFiles) assert.ok(statSync(path.join(directory, name)).mtimeMs > Date.now() - 60_000, `${name} marked used`);

        write("lib.js", `exports.value = "lib-js-edited";\n`);
        settle(root);
        // (settle re-dates the cache too, so the old files are dated after it.)
        // An old entry of another build, and a temporary file a dead write left behind two hours ago.
        writeFileSync(path.join(directory, "stale.json"), "{}");
        writeFileSync(path.join(directory, "stale-bundle.js"), "0");
        writeFileSync(path.join(directory, "x.js.123.456.tmp"), "0");
        for (const name of ["stale.json", "stale-bundle.js"]) utimesSync(path.join(directory, name), monthAgo, monthAgo);
        const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
        utimesSync(path.join(directory, "x.js.123.456.tmp"), twoHoursAgo, twoHoursAgo);
        assert.equal((await bundleFresh()).built, true);
        // The same request's manifest now names the new bundle; the first bundle stays until it ages out.
        const after = readdirSync(directory).sort();
        assert.deepEqual(after.filter((name) => !entryFiles.includes(name)).map((name) => path.extname(name)), [".js"], `${after}`);
        assert.deepEqual(after.filter((name) => entryFiles.includes(name)), entryFiles);
    });
});

describe("build: pruneBundleCache", () => {
    let directory: string;
    const now = Date.parse("2026-12-05T10:00:00Z");
    /** Writes `bytes` bytes to `name`, last used `minutesAgo` minutes before `now`. */
    function file(name: string, bytes: number, minutesAgo: number): void {
        writeFileSync(path.join(directory, name), "x".repeat(bytes));
        const at = new Date(now - minutesAgo * 60_000);
        utimesSync(path.join(directory, name), at, at);
    }
    const names = () => readdirSync(directory).sort();

    beforeEach(() => (directory = mkdtempSync(path.join(tmpdir(), "queuestack-bundle-prune-"))));
    afterEach(() => rmSync(directory, { recursive: true, force: true }));

    it("removes files unused for longer than maxAgeMs and abandoned temporary files older than an hour", () => {
        file("old.json", 10, 61);
        file("old.js", 10, 61);
        file("recent.json", 10, 59);
        file("recent.js", 10, 59);
        file("dead.js.1.2.tmp", 10, 61);
        file("writing.js.3.4.tmp", 10, 1);
        pruneBundleCache(directory, { maxAgeMs: 60 * 60_000, maxBytes: 1_000, now });
        assert.deepEqual(names(), ["recent.js", "recent.json", "writing.js.3.4.tmp"]);
    });

    it("past maxBytes, removes the least recently used files until the rest fits", () => {
        file("a.json", 100, 41);
        file("a.js", 300, 40);
        file("b.json", 100, 31);
        file("b.js", 300, 30);
        file("c.json", 100, 21);
        file("c.js", 300, 20);
        pruneBundleCache(directory, { maxAgeMs: 24 * 3600_000, maxBytes: 750, now });
        assert.deepEqual(names(), ["b.js", "c.js", "c.json"]);
    });

    it("never removes the entry just stored, even when it alone exceeds maxBytes or is dated old", () => {
        file("old.json", 100, 90);
        file("new.json", 100, 120);
        file("new.js", 2_000, 120);
        pruneBundleCache(directory, { maxAgeMs: 60 * 60_000, maxBytes: 1_000, now, keep: ["new.json", "new.js"] });
        assert.deepEqual(names(), ["new.js", "new.json"]);
    });

    it("keeps everything within both limits", () => {
        file("a.json", 100, 10);
        file("a.js", 300, 10);
        pruneBundleCache(directory, { maxAgeMs: 60 * 60_000, maxBytes: 400, now });
        assert.deepEqual(names(), ["a.js", "a.json"]);
    });
});
