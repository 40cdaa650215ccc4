/**
 * The package build after `tsc -p tsconfig.build.json` (npm run build, and npm pack through
 * prepack). It makes dist/ what the published package needs:
 *
 * - each cloud adapter entry (workers/<cloud>/<entry>) replaced by one self-contained bundle with
 *   its cloud SDKs inside (`queuestack:handler`, the user's worker module, left for the deploy-time
 *   bundle to fill in), so a consumer installs no AWS, Azure or Google client library to deploy;
 *   of the other modules in those folders, only the ones the CLI and the rehearsal require;
 * - the policy pack loadable from node_modules: PulumiPolicy.yaml and a package.json (the version
 *   `new PolicyPack` reads) beside the compiled policies/index.js;
 * - the local dashboard's static files.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
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

/** The compiled files under dist/ (relative paths), `dir` and below. */
function distFiles(dir = ""): string[] {
    return readdirSync(path.join(dist, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? distFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

const adapterFolders = ["aws", "azure", "gcp"].map((cloud) => path.join("workers", cloud) + path.sep);
const inAdapterFolder = (file: string) => adapterFolders.some((folder) => file.startsWith(folder));

/**
 * The compiled modules under workers/<cloud> that the rest of the package requires (the CLI's and
 * the rehearsal's Pub/Sub and Google API calls, the Azure blob store), following tsc's
 * `require("./relative")` calls from every module outside those folders.
 */
function adapterModulesRequiredElsewhere(): Set<string> {
    const reached = new Set<string>();
    const todo = distFiles().filter((f) => f.endsWith(".js") && !inAdapterFolder(f));
    const seen = new Set(todo);
    while (todo.length) {
        const file = todo.pop()!;
        for (const [, specifier] of readFileSync(path.join(dist, file), "utf8").matchAll(/require\("(\.{1,2}\/[^"]+)"\)/g)) {
            const base = path.join(path.dirname(file), specifier);
            const target = [`${base}.js`, path.join(base, "index.js"), base].find((candidate) => existsSync(path.join(dist, candidate)) && candidate.endsWith(".js"));
            if (!target || seen.has(target)) continue;
            seen.add(target);
            todo.push(target);
            if (inAdapterFolder(target)) reached.add(target);
        }
    }
    return reached;
}

async function bundleAdapters(): Promise<void> {
    // tsc's per-file output of the adapters requires the cloud SDKs: only the bundles are shipped,
    // and the modules the CLI and the rehearsal require from those folders (which import no SDK
    // the package does not declare: a test checks each loads from the installed package).
    const entryOutputs = new Set(adapterEntries.map((entry) => path.relative(root, entry).replace(/\.ts$/, ".js")));
    const kept = adapterModulesRequiredElsewhere();
    const reachedEntries = [...kept].filter((file) => entryOutputs.has(file));
    if (reachedEntries.length) throw new Error(`build: ${reachedEntries.join(", ")} is an adapter entry (shipped as a bundle) but also required by the package's own modules`);
    for (const file of distFiles().filter(inAdapterFolder)) {
        if (!kept.has(file.replace(/\.d\.ts$/, ".js"))) rmSync(path.join(dist, file));
    }
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
