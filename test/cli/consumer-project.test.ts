import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { installPackageInto } from "../helpers/installed-package";

/** A consumer's Pulumi project in a fresh directory: its own Pulumi.yaml name and stack file, our package installed. */
async function consumerProject(files: Record<string, string>): Promise<{ dir: string; bin: string }> {
    const dir = mkdtempSync(path.join(tmpdir(), "queuestack-consumer-"));
    for (const [file, text] of Object.entries(files)) {
        mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        writeFileSync(path.join(dir, file), text);
    }
    return { dir, bin: await installPackageInto(dir) };
}

/** The installed bin, run with plain node (no TypeScript loader) in the consumer's project. */
function queuestack(project: { dir: string; bin: string }, ...args: string[]) {
    const result = spawnSync(process.execPath, [project.bin, ...args], { cwd: project.dir, encoding: "utf8", timeout: 240_000, env: { ...process.env, NODE_OPTIONS: "" } });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface JsonPlan {
    project: string;
    cloud?: string;
    resources: { type: string; name: string; inputs: Record<string, unknown> }[];
}

/** `queuestack plan --stack dev --format json` in the project, and the physical names of its SQS queues. */
function planJson(project: { dir: string; bin: string }): { planned: JsonPlan; queueNames: unknown[] } {
    const plan = queuestack(project, "plan", "--stack", "dev", "--format", "json");
    assert.equal(plan.status, 0, plan.stderr);
    const planned = JSON.parse(plan.stdout) as JsonPlan;
    return { planned, queueNames: planned.resources.filter((r) => r.type === "aws:sqs/queue:Queue").map((r) => r.inputs.name).sort() };
}

const stackFile = "config:\n  aws:region: eu-central-1\n";

describe("queuestack from npm in a consumer's project (installed bin, compiled package, no tsx)", function () {
    this.timeout(600_000);

    it("plans and checks a TypeScript program (NodeNext imports, no main in Pulumi.yaml) under the project's own name", async () => {
        const project = await consumerProject({
            "Pulumi.yaml": "name: billing-app\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n",
            "Pulumi.dev.yaml": stackFile,
            "package.json": JSON.stringify({ name: "billing-app", private: true }),
            "tsconfig.json": JSON.stringify({ compilerOptions: { strict: true, module: "NodeNext", moduleResolution: "NodeNext", target: "ES2022" } }),
            "settings.ts": "export const retentionDays: number = 4;\n",
            "index.ts": [
                'import * as aws from "queuestack/aws";',
                'import { retentionDays } from "./settings.js";',
                "",
                'const invoices = new aws.Queue("invoices", { queue: { name: "invoices", processingTimeSeconds: 20, retentionDays } });',
                "export const queueName = invoices.queueName;",
                "",
            ].join("\n"),
        });
        const { planned, queueNames } = planJson(project);
        assert.equal(planned.project, "billing-app");
        assert.equal(planned.cloud, undefined, "no queuestack spec in the stack's config: no diagram");
        assert.deepEqual(queueNames, ["billing-app-dev-invoices", "billing-app-dev-invoices-dlq"]);
        assert.equal(planned.resources.some((r) => JSON.stringify(r.inputs).includes("queuestack-dev")), false, "no name uses this repository's project name");

        const text = queuestack(project, "plan", "--stack", "dev");
        assert.equal(text.status, 0, text.stderr);
        assert.match(text.stdout, /^Plan for stack "dev" of project "billing-app": \d+ resources in 1 components\n/);

        // The piece alone (queue + DLQ, no alarms): the pack names the physical names a deploy of billing-app would create.
        const policy = queuestack(project, "policy", "--stack", "dev");
        assert.equal(policy.stderr, "");
        assert.equal(policy.status, 1);
        assert.match(policy.stdout, /^Stack "dev": FAILED \(1 mandatory, 1 advisory violations, 6 resources checked\)\n/);
        assert.ok(policy.stdout.includes('        - [mandatory]  aws-sqs-dead-letter-queue-require-depth-alarm  (aws:sqs/queue:Queue: invoices-dlq)\n'), policy.stdout);
        assert.ok(policy.stdout.includes('dimension QueueName = "billing-app-dev-invoices-dlq", threshold > 0'), policy.stdout);
    });

    it("plans a CommonJS JavaScript program named by package.json main", async () => {
        const project = await consumerProject({
            "Pulumi.yaml": "name: mailer\nruntime: nodejs\n",
            "Pulumi.dev.yaml": stackFile,
            "package.json": JSON.stringify({ name: "mailer", private: true, main: "src/index.js" }),
            "src/index.js": [
                '"use strict";',
                'const aws = require("queuestack/aws");',
                'const outbox = new aws.Queue("outbox", { queue: { name: "outbox" } });',
                "exports.queueUrl = outbox.url;",
                "",
            ].join("\n"),
        });
        const { planned, queueNames } = planJson(project);
        assert.equal(planned.project, "mailer");
        assert.deepEqual(queueNames, ["mailer-dev-outbox", "mailer-dev-outbox-dlq"]);
    });

    it("names a missing stack file and a project without Pulumi.yaml", async () => {
        const project = await consumerProject({ "Pulumi.yaml": "name: empty\nruntime: nodejs\n", "index.js": "" });
        const unknown = queuestack(project, "plan", "--stack", "prod");
        assert.equal(unknown.status, 2);
        assert.equal(unknown.stderr, 'no stack file Pulumi.prod.yaml (stack "prod"). Create one, e.g. Pulumi.dev.yaml.\n');
        const elsewhere = queuestack({ ...project, dir: path.dirname(project.dir) }, "policy", "--stack", "dev");
        assert.equal(elsewhere.status, 1);
        assert.equal(elsewhere.stderr, `policy: no Pulumi.yaml in ${path.dirname(project.dir)}: pass the directory of a Pulumi project (the one \`pulumi preview\` runs in) with --dir.\n\n`);
    });
});
