import { strict as assert } from "node:assert";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { allPolicies, policyPackName } from "../../policies/all";
import { analyzerInfo, startPack } from "../helpers/policy-pack";
import { consumerProject, packOnce, readmeFiles, readmeInstall, root, runIn, statusIn } from "./tarball";

/**
 * The package as its users get it: `npm pack`, then fresh projects with only Pulumi, one cloud's
 * provider SDK and the tarball (installed from npm's cache where it can), each with
 * - a strict TypeScript program and mocha test (`skipLibCheck: false`) built from README.md's
 *   "Use it in your own stack" snippets, compiled and run under Pulumi's mocks;
 * - a CommonJS and an ESM mocha test of the same entries.
 */

const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc");
const mocha = path.join(root, "node_modules", "mocha", "bin", "mocha.js");
const pulumiVersion = (JSON.parse(readFileSync(path.join(root, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8")) as { version: string }).version;
const providerVersion = (pkg: string) => (JSON.parse(readFileSync(path.join(root, "node_modules", pkg, "package.json"), "utf8")) as { version: string }).version;

/**
 * A strict consumer tsconfig; `@types/node` and `@types/mocha` come from this repository. The node16
 * one checks every declaration file (`skipLibCheck: false`); the classic (node10) one checks how the
 * entries resolve (typesVersions) and skips the declarations the first already checked.
 */
const tsconfig = (moduleResolution: "node16" | "node10") =>
    JSON.stringify(
        {
            compilerOptions: {
                target: "ES2022",
                module: moduleResolution === "node16" ? "node16" : "commonjs",
                moduleResolution,
                strict: true,
                skipLibCheck: moduleResolution === "node10",
                esModuleInterop: true,
                outDir: "bin",
                rootDir: ".",
                typeRoots: [path.join(root, "node_modules", "@types")],
                types: ["node", "mocha"],
            },
            include: ["*.ts", "workers", "test"],
        },
        null,
        2,
    );

/** Packages that an AWS- or GCP-only consumer must not get. */
const absent = ["@azure", "@google-cloud", "@aws-sdk", "better-sqlite3", "fastify", "htmlparser2", "@pulumi/azure-native"];

/** The consumer's own CommonJS test: the entries by require, a piece under mocks, the errors for what is not installed. */
const cjsTest = (cloud: "aws" | "gcp", pieces: string, expectedQueues: string) => `
const { strict: assert } = require("node:assert");
const path = require("node:path");
const { WebQueueWorker, validateSpec, SpecError } = require("queuestack");
const pieces = require("queuestack/${cloud}");
const { defineWorker, PermanentError } = require("queuestack/worker");
const { runOffline, valueOf } = require("queuestack/testing");
const { allPolicies } = require("queuestack/policies");
const other = ${JSON.stringify(cloud === "aws" ? "gcp" : "aws")};

describe("CommonJS consumer (${cloud})", () => {
    it("composes a piece from queuestack/${cloud} under mocks", async () => {
        const { resources } = await runOffline(() => { ${pieces} }, { project: "billing", stack: "ci", config: { "gcp:project": "demo-project" } });
        assert.deepEqual(${expectedQueues}, ${cloud === "aws" ? '["billing-ci-jobs", "billing-ci-jobs-dlq"]' : '["billing-ci-jobs", "billing-ci-jobs-dlq"]'});
    });
    it("reads the worker API, the spec and the policies", () => {
        assert.equal(defineWorker({ handle: () => 1 }).kind, "queuestack.worker");
        assert.equal(new PermanentError("no").name, "PermanentError");
        assert.throws(() => validateSpec({ name: "x", queues: [] }, "${cloud}"), SpecError);
        assert.equal(allPolicies.length, ${allPolicies.length});
    });
    it("names the provider SDK to install for a cloud it does not have", async () => {
        await assert.rejects(
            runOffline(() => new WebQueueWorker("orders", { cloud: other, spec: { name: "orders", queues: [{ name: "jobs" }], workers: [] } })),
            { message: 'queuestack: cloud "' + other + '" needs the ' + (other === "aws" ? "@pulumi/aws" : "@pulumi/gcp") + " package, which is not installed. Run: npm install " + (other === "aws" ? "@pulumi/aws" : "@pulumi/gcp") },
        );
    });
    it("names better-sqlite3 when the local target is used without it", () => {
        const installed = path.dirname(require.resolve("queuestack/package.json"));
        const { openDatabase } = require(path.join(installed, "dist", "local", "engine", "database.js"));
        assert.throws(() => openDatabase(":memory:"), { name: "MissingPackageError", message: "the local target needs the better-sqlite3 package, which is not installed. Run: npm install better-sqlite3" });
    });
});
`;

/** The consumer's own ESM test: named imports of every entry (Node's CommonJS interop), a piece under mocks. */
const esmTest = (cloud: "aws" | "gcp", pieceClass: string) => `
import { strict as assert } from "node:assert";
import { WebQueueWorker, specFromConfig, physicalName } from "queuestack";
import { ${pieceClass} } from "queuestack/${cloud}";
import { defineWorker, PermanentError, isPermanent } from "queuestack/worker";
import { runOffline, loadStackConfig } from "queuestack/testing";
import { allPolicies, resourcePolicies, stackPolicies } from "queuestack/policies";

describe("ESM consumer (${cloud})", () => {
    it("imports every entry by name", () => {
        assert.deepEqual([WebQueueWorker, specFromConfig, physicalName, ${pieceClass}, defineWorker, runOffline, loadStackConfig].map((f) => typeof f), Array(7).fill("function"));
        assert.ok(isPermanent(new PermanentError("no")));
        assert.equal(allPolicies.length, resourcePolicies.length + stackPolicies.length);
    });
    it("runs the stack of Pulumi.dev.yaml under mocks", async () => {
        const { resources } = await runOffline(() => { const { cloud, spec } = specFromConfig(); new WebQueueWorker(spec.name, { cloud, spec }); }, { project: "orders", stack: "dev", config: loadStackConfig("dev") });
        assert.ok(resources.some((r) => r.type === "queuestack:${cloud}:WebQueueWorker"));
    });
});
`;

interface Consumer {
    cloud: "aws" | "gcp";
    readmeCloud: string;
    provider: string;
    /** Pulumi.dev.yaml of the README, adapted to the cloud. */
    stackFile(readme: string): string;
    /** The TypeScript test of this consumer (the README's for AWS). */
    tsTest(readme: Record<string, string>): Record<string, string>;
    pieces: string;
    expectedQueues: string;
    pieceClass: string;
}

const consumers: Consumer[] = [
    {
        cloud: "aws",
        readmeCloud: "AWS",
        provider: "@pulumi/aws",
        stackFile: (readme) => readme,
        tsTest: (readme) => ({ "test/stack.test.ts": readme["test/stack.test.ts"], "pieces.ts": readme["pieces.ts"] }),
        pieces: 'const jobs = new pieces.Queue("jobs", { queue: { name: "jobs" } }); new pieces.Alarms("jobs-alarms", { queues: [{ name: "jobs", queueName: jobs.queueName, deadLetterName: jobs.deadLetterName }] });',
        expectedQueues: 'resources.filter((r) => r.type === "aws:sqs/queue:Queue").map((r) => r.inputs.name).sort()',
        pieceClass: "Queue",
    },
    {
        cloud: "gcp",
        readmeCloud: "Google Cloud",
        provider: "@pulumi/gcp",
        stackFile: (readme) => readme.replace("queuestack:cloud: aws", "queuestack:cloud: gcp").replace("aws:region: eu-west-1", "gcp:project: demo-project\n  gcp:region: europe-west1"),
        tsTest: () => ({
            "test/stack.test.ts": `import { strict as assert } from "node:assert";
import { Queue } from "queuestack/gcp";
import { loadStackConfig, runOffline, valueOf } from "queuestack/testing";

describe("the dev stack on Google Cloud", () => {
    it("has the jobs topic, subscription and dead-letter subscription, and the fulfil function", async () => {
        const { resources } = await runOffline(() => require("../index"), { project: "orders", stack: "dev", config: loadStackConfig("dev") });
        const names = (type: string) => resources.filter((r) => r.type === type).map((r) => String(r.inputs.name)).sort();
        assert.deepEqual(names("gcp:pubsub/subscription:Subscription").filter((n) => n.includes("jobs")), ["orders-dev-jobs", "orders-dev-jobs-dlq"]);
        assert.equal(names("gcp:cloudfunctionsv2/function:Function").length, 2); // the front end and fulfil
    });
    it("composes a queue alone from queuestack/gcp", async () => {
        const { result } = await runOffline(() => new Queue("jobs", { queue: { name: "jobs" } }), { project: "billing", stack: "ci", config: { "gcp:project": "demo-project" } });
        assert.equal(await valueOf(result.deadLetterSubscriptionId), "projects/demo-project/subscriptions/billing-ci-jobs-dlq");
    });
});
`,
        }),
        pieces: 'new pieces.Queue("jobs", { queue: { name: "jobs" } });',
        expectedQueues: 'resources.filter((r) => r.type === "gcp:pubsub/subscription:Subscription").map((r) => r.inputs.name).sort()',
        pieceClass: "Queue",
    },
];

/** A consumer's project, installed from the tarball: the README's files and this test's own. */
async function installConsumer(consumer: Consumer): Promise<string> {
    const tarball = await packOnce();
    const readme = readmeFiles();
    const install = readmeInstall(consumer.readmeCloud).map((pkg) =>
        pkg === "queuestack" ? tarball : pkg.startsWith("@pulumi/") ? `${pkg}@${pkg === "@pulumi/pulumi" ? pulumiVersion : providerVersion(pkg)}` : pkg,
    );
    assert.ok(install.includes(`${consumer.provider}@${providerVersion(consumer.provider)}`), `README installs ${consumer.provider} for ${consumer.readmeCloud}`);
    return consumerProject(`consumer-${consumer.cloud}`, install, {
        "Pulumi.yaml": "name: orders\nruntime: nodejs\nmain: index.ts\n",
        "Pulumi.dev.yaml": consumer.stackFile(readme["Pulumi.dev.yaml"]),
        "index.ts": readme["index.ts"],
        "workers/fulfil.ts": readme["workers/fulfil.ts"],
        ...consumer.tsTest(readme),
        [`entries-${consumer.cloud}.ts`]: [
            'import * as root from "queuestack";',
            `import * as cloud from "queuestack/${consumer.cloud}";`,
            'import * as worker from "queuestack/worker";',
            'import * as testing from "queuestack/testing";',
            'import * as policies from "queuestack/policies";',
            "export const entries = [root, cloud, worker, testing, policies];",
        ].join("\n"),
        "tsconfig.json": tsconfig("node16"),
        "tsconfig.node10.json": tsconfig("node10"),
        "test/cjs.test.cjs": cjsTest(consumer.cloud, consumer.pieces, consumer.expectedQueues),
        "test/esm.test.mjs": esmTest(consumer.cloud, consumer.pieceClass),
    });
}

const installs = new Map<Consumer, Promise<string>>();

/** Every consumer's install, started together (npm mostly waits on the network and the disk), each once. */
function installed(consumer: Consumer): Promise<string> {
    for (const each of consumers) {
        if (installs.has(each)) continue;
        const install = installConsumer(each);
        install.catch(() => undefined); // reported by the describe that awaits it
        installs.set(each, install);
    }
    return installs.get(consumer)!;
}

for (const consumer of consumers) {
    describe(`the npm package in a ${consumer.cloud.toUpperCase()}-only consumer project`, function () {
        this.timeout(1_800_000);
        let dir: string;

        before(async () => {
            dir = await installed(consumer);
        });

        it(`installs no other cloud's SDK, no local-target package, no SDK client (${absent.join(", ")})`, () => {
            assert.deepEqual(absent.filter((pkg) => existsSync(path.join(dir, "node_modules", pkg))), []);
            assert.ok(existsSync(path.join(dir, "node_modules", consumer.provider)));
        });

        it("type-checks strictly with skipLibCheck false (node16), and resolves every entry with classic (node10) module resolution", async () => {
            await Promise.all([runIn(dir, process.execPath, [tsc, "-p", "tsconfig.json"]), runIn(dir, process.execPath, [tsc, "-p", "tsconfig.node10.json", "--noEmit"])]);
        });

        it("runs its TypeScript, CommonJS and ESM mocha tests under Pulumi's mocks", async () => {
            const out = await runIn(dir, process.execPath, [mocha, "--reporter", "dot", "--timeout", "300000", "bin/test/**/*.test.js", "test/cjs.test.cjs", "test/esm.test.mjs"]);
            const passing = Number(/(\d+) passing/.exec(out)?.[1]);
            const tsTests = readdirSync(path.join(dir, "test")).filter((f) => f.endsWith(".test.ts")).length;
            assert.ok(tsTests >= 1);
            assert.equal(passing, consumer.cloud === "aws" ? 1 + 4 + 2 : 2 + 4 + 2, out);
            assert.doesNotMatch(out, /failing/);
        });

        it("loads the shipped policy pack from node_modules as `pulumi preview --policy-pack` does", async () => {
            const packDir = path.join(dir, "node_modules", "queuestack", "dist", "policies");
            assert.ok(existsSync(path.join(packDir, "PulumiPolicy.yaml")));
            // The CLI's pulumi-analyzer-policy runs @pulumi/pulumi's run-policy-pack (resolved from the
            // pack's directory) with the engine address and the pack's path, in the pack's directory.
            const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [packDir] });
            assert.ok(runner.startsWith(path.join(dir, "node_modules", "@pulumi", "pulumi")), runner);
            const { child, port } = await startPack(packDir, [runner, "127.0.0.1:1", packDir]);
            try {
                const info = await analyzerInfo(port);
                assert.equal(info.name, policyPackName);
                assert.deepEqual(info.policies.map((p) => p.name), allPolicies.map((p) => p.name));
            } finally {
                child.kill();
            }
        });

        it("the installed bin plans the project under its own Pulumi.yaml name and checks it with the policy pack", async () => {
            const bin = path.join(dir, "node_modules", "queuestack", "bin", "queuestack.js");
            const plan = await statusIn(dir, process.execPath, [bin, "plan", "--stack", "dev", "--format", "json"]);
            assert.equal(plan.status, 0, plan.stderr);
            const planned = JSON.parse(plan.stdout) as { project: string; cloud: string; resources: { type: string; inputs: Record<string, unknown> }[] };
            assert.equal(planned.project, "orders");
            assert.equal(planned.cloud, consumer.cloud);
            const queueType = consumer.cloud === "aws" ? "aws:sqs/queue:Queue" : "gcp:pubsub/subscription:Subscription";
            assert.deepEqual(planned.resources.filter((r) => r.type === queueType).map((r) => r.inputs.name).sort(), ["orders-dev-jobs", "orders-dev-jobs-dlq"]);
            const policy = await statusIn(dir, process.execPath, [bin, "policy", "--stack", "dev"]);
            assert.equal(policy.stderr, "");
            assert.equal(policy.status, 0, policy.stdout);
            assert.match(policy.stdout, /^Stack "dev": passed \(0 mandatory, 0 advisory violations, \d+ resources checked\)\nPolicies:\n {4}✅ queuestack@v0\.1\.0 \(local: policies\)\n\n$/);
        });

        it("the installed bin's rehearse: its usage, and the client to install before it starts anything", async () => {
            const bin = path.join(dir, "node_modules", "queuestack", "bin", "queuestack.js");
            const help = await statusIn(dir, process.execPath, [bin, "rehearse", "--help"]);
            assert.deepEqual(help, { status: 0, stdout: "usage: queuestack rehearse --stack <name> [--stack <name> ...] [--format text|json]\n", stderr: "" });
            const missing = consumer.cloud === "aws" ? "@aws-sdk/client-sqs" : "@google-cloud/pubsub"; // the first one the rehearsal loads
            const rehearsal = await statusIn(dir, process.execPath, [bin, "rehearse", "--stack", "dev"]);
            assert.equal(rehearsal.status, 1, rehearsal.stderr);
            assert.equal(rehearsal.stdout, "");
            assert.equal(rehearsal.stderr.split("\n").filter((line) => !line.startsWith("  ")).join("\n"), `the ${consumer.cloud} rehearsal needs the ${missing} package, which is not installed. Run: npm install ${missing}\n`);
            assert.doesNotMatch(rehearsal.stderr, /emulator|contracts/, "nothing started before the missing client was named");
        });

        it("every cloud's rehearsal and the CLI load from the installed package once their optional clients are there", async () => {
            const installed = path.join(dir, "node_modules", "queuestack", "dist");
            const script = `
                const path = require("node:path");
                const loaded = ["aws", "gcp", "azure"].map((cloud) => Object.keys(require(path.join(${JSON.stringify(installed)}, "rehearse", cloud, "rehearse.js"))).join(","));
                loaded.push(typeof require(path.join(${JSON.stringify(installed)}, "cli", "queuestack.js")).run);
                console.log(loaded.join(" "));
            `;
            // NODE_PATH (searched after the project's node_modules) stands in for installing the optional clients.
            const loaded = await statusIn(dir, process.execPath, ["-e", script], { NODE_PATH: path.join(root, "node_modules") });
            assert.deepEqual(loaded, { status: 0, stdout: "rehearseAws rehearseGcp rehearseAzure function\n", stderr: "" });
        });

        it("ships no repository-only program, no source map, and every relative README link", () => {
            const installed = path.join(dir, "node_modules", "queuestack");
            const files = (sub: string): string[] =>
                readdirSync(path.join(installed, sub), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(sub, e.name)) : [path.join(sub, e.name)]));
            const all = files(".");
            assert.deepEqual(all.filter((f) => /^dist\/(index|program)\.|\.map$|^dist\/workers\/example\/|^(test|bench|tools)\//.test(f)), []);
            assert.ok(all.includes("LICENSE"));
            const readme = readFileSync(path.join(installed, "README.md"), "utf8");
            const links = [...readme.matchAll(/\]\(([^)#]+)\)/g)].map((m) => m[1]).filter((l) => !/^[a-z]+:/.test(l));
            assert.ok(links.length >= 2);
            assert.deepEqual(links.filter((l) => !existsSync(path.join(installed, l))), []);
        });
    });
}
