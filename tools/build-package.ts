/**
 * The package build after `tsc -p tsconfig.build.json` (npm run build, and npm pack through
 * prepack). It makes dist/ what the published package needs:
 *
 * - each cloud adapter entry (workers/<cloud>/<entry>) replaced by one self-contained bundle with
 *   its cloud SDKs inside (`queuestack:handler`, the user's worker module, left for the deploy-time
 *   bundle to fill in), so a consumer installs no AWS, Azure or Google client library to deploy;
 * - the policy pack loadable from node_modules: PulumiPolicy.yaml and a package.json (the version
 *   `new PolicyPack` reads) beside the compiled policies/index.js;
 * - the local dashboard's static files.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { build } from "esbuild";
import { bundleTarget, handlerSpecifier, workerEntries } from "../components/build/bundle";
import { azureWorkerEntries } from "../components/azure/code";
import { gcpWorkerEntries } from "../components/gcp/entries";

const root = path.resolve(__dirname, "..");
const dist = path.join(root, "dist");
const rootPackage = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { version: string };

/** Adapter entries as TypeScript sources in this repository (what the components bundle). */
const adapterEntries = [...Object.values(workerEntries), ...Object.values(azureWorkerEntries), ...Object.values(gcpWorkerEntries)];

async function bundleAdapters(): Promise<void> {
    // tsc's per-file output of the adapters requires the cloud SDKs; only the bundles are shipped.
    for (const cloud of ["aws", "azure", "gcp"]) rmSync(path.join(dist, "workers", cloud), { recursive: true, force: true });
    for (const entry of adapterEntries) {
        if (!entry.endsWith(".ts")) throw new Error(`build: adapter entry ${entry} is not a TypeScript source of this repository`);
        const outfile = path.join(dist, path.relative(root, entry)).replace(/\.ts$/, ".js");
        await build({
            entryPoints: [entry],
            outfile,
            bundle: true,
            platform: "node",
            target: bundleTarget,
            format: "cjs",
            minify: true,
            legalComments: "none",
            logLevel: "warning",
            // The user's module, resolved when the stack is deployed; the Functions host's own module.
            external: [handlerSpecifier, "@azure/functions-core"],
        });
    }
}

function policyPack(): void {
    const pack = path.join(dist, "policies");
    cpSync(path.join(root, "policies", "PulumiPolicy.yaml"), path.join(pack, "PulumiPolicy.yaml"));
    const manifest = {
        name: "queuestack-policies",
        version: rootPackage.version,
        description: "The queuestack policy pack: pulumi preview --policy-pack node_modules/queuestack/dist/policies",
        license: "Apache-2.0",
        private: true,
        main: "index.js",
    };
    writeFileSync(path.join(pack, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
}

async function main(): Promise<void> {
    await bundleAdapters();
    policyPack();
    mkdirSync(path.join(dist, "local"), { recursive: true });
    cpSync(path.join(root, "local", "dashboard"), path.join(dist, "local", "dashboard"), { recursive: true });
}

main().catch((error) => {
    console.error(error);
    process.exit(1);
});
