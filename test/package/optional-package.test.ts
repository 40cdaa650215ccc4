import { strict as assert } from "node:assert";
import { readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { MissingPackageError, withOptionalPackages } from "../../components/optional-package";

const root = path.resolve(__dirname, "..", "..");

/** Every .ts file under the shipped folders. */
const sources = (dir: string): string[] =>
    readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : [],
    );

describe("optional peer dependencies", () => {
    it("a missing one becomes a MissingPackageError naming the package to install, subpaths included", () => {
        for (const request of ["queuestack-not-installed", "queuestack-not-installed/sub/module"]) {
            assert.throws(
                // eslint-disable-next-line @typescript-eslint/no-require-imports
                () => withOptionalPackages("the local target", ["queuestack-not-installed"], () => require(request)),
                (error: unknown) => {
                    assert.ok(error instanceof MissingPackageError);
                    assert.equal(error.message, "the local target needs the queuestack-not-installed package, which is not installed. Run: npm install queuestack-not-installed");
                    assert.equal(error.packageName, "queuestack-not-installed");
                    return true;
                },
            );
        }
    });

    it("leaves other errors alone: a module outside the list, a failure inside the package", () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        assert.throws(() => withOptionalPackages("x", ["queuestack-not-installed"], () => require("queuestack-other-missing")), { code: "MODULE_NOT_FOUND", message: /Cannot find module 'queuestack-other-missing'/ });
        assert.throws(() => withOptionalPackages("x", ["fastify"], () => { throw new TypeError("boom"); }), { name: "TypeError", message: "boom" });
    });

    it("every optional peer of package.json is loaded through a check that names it", () => {
        const manifest = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { peerDependenciesMeta: Record<string, { optional: boolean }> };
        const optional = Object.keys(manifest.peerDependenciesMeta).filter((name) => manifest.peerDependenciesMeta[name].optional);
        const guarded = ["components", "cli", "operations", "local", "rehearse"]
            .flatMap(sources)
            .map((file) => readFileSync(path.join(root, file), "utf8"))
            .filter((text) => /withOptionalPackages|requireCloudModule|sdk: "@pulumi\//.test(text));
        assert.deepEqual(optional.filter((name) => !guarded.some((text) => text.includes(`"${name}"`))), []);
        assert.equal(optional.length, 17);
    });
});
