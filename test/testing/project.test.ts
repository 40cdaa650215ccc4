import { strict as assert } from "node:assert";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import { defaultInvokeAnswers, InvokeAnswersError, readInvokeAnswers } from "../../components/testing/invokes";
import { runOffline, valueOf } from "../../components/testing/offline";
import { programEntry, projectStackConfig, readProject } from "../../components/testing/project";
import { StackConfigError } from "../../components/stack-config";

function project(files: Record<string, string>): string {
    const dir = mkdtempSync(path.join(tmpdir(), "pulumi-project-"));
    for (const [file, text] of Object.entries(files)) {
        mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        writeFileSync(path.join(dir, file), text);
    }
    return dir;
}

describe("offline runs of a Pulumi project: the project and stack files", () => {
    it("namespaces keys as Pulumi does, applies project defaults, and keeps secure values opaque (nested too)", () => {
        const dir = project({
            "Pulumi.yaml": "name: shop\nruntime: nodejs\nstackConfigDir: stacks\nconfig:\n  replicas:\n    type: integer\n    default: 2\n  region: eu\n  aws:region: eu-west-3\n",
            "stacks/Pulumi.dev.yaml": "config:\n  shop:replicas: 3\n  shop:db:\n    user: app\n    password:\n      secure: v1:abc\n  shop:token:\n    secure: v1:def\n",
        });
        const read = readProject(dir);
        assert.deepEqual({ name: read.name, main: read.main, stackConfigDir: read.stackConfigDir }, { name: "shop", main: undefined, stackConfigDir: path.join(dir, "stacks") });
        assert.deepEqual(projectStackConfig(read, "dev"), {
            config: { "shop:replicas": 3, "shop:region": "eu", "aws:region": "eu-west-3", "shop:db": { user: "app", password: "[secret]" }, "shop:token": "[secret]" },
            secretKeys: ["shop:db", "shop:token"],
        });
    });

    it("finds the entry as Pulumi's nodejs host does: main, else package.json main, else index.js before index.ts", () => {
        const withMain = project({ "Pulumi.yaml": "name: a\nruntime: nodejs\nmain: src/app.ts\n", "package.json": '{"main": "other.js"}', "other.js": "", "src/app.ts": "" });
        assert.equal(programEntry(readProject(withMain)), path.join(withMain, "src", "app.ts"));
        const withPackage = project({ "Pulumi.yaml": "name: b\nruntime: nodejs\n", "package.json": '{"main": "lib/run.js"}', "lib/run.js": "", "index.ts": "" });
        assert.equal(programEntry(readProject(withPackage)), path.join(withPackage, "lib", "run.js"));
        const both = project({ "Pulumi.yaml": "name: c\nruntime: nodejs\n", "index.ts": "", "index.js": "" });
        assert.equal(programEntry(readProject(both)), path.join(both, "index.js"));
        const folder = project({ "Pulumi.yaml": "name: d\nruntime: nodejs\nmain: infra/\n", "infra/index.ts": "" });
        assert.equal(programEntry(readProject(folder)), path.join(folder, "infra", "index.ts"));
    });

    it("says what is wrong with a project file, and where", () => {
        const python = project({ "Pulumi.yaml": "name: p\nruntime: python\n" });
        assert.throws(() => readProject(python), new StackConfigError(`${path.join(python, "Pulumi.yaml")}: runtime is "python"; only nodejs programs (TypeScript or JavaScript) run offline.`));
        const nameless = project({ "Pulumi.yaml": "runtime: nodejs\n" });
        assert.throws(() => readProject(nameless), new StackConfigError(`${path.join(nameless, "Pulumi.yaml")}: "name" must be the project's name (got undefined). Add e.g. \`name: my-app\`.`));
        const missing = project({ "Pulumi.yaml": "name: m\nruntime: nodejs\nmain: app.ts\n" });
        assert.throws(() => programEntry(readProject(missing)), new StackConfigError(`main "app.ts" in Pulumi.yaml names no program in ${missing}: expected app.ts. Set \`main:\` in Pulumi.yaml to the program's entry file.`));
    });
});

describe("offline runs of a Pulumi project: provider functions", () => {
    it("answers where the program runs from the stack config", async () => {
        const answers = defaultInvokeAnswers({ "aws:region": "us-west-2", "gcp:project": "acme" });
        const call = (token: string, inputs: Record<string, unknown> = {}) => answers[token]({ token, inputs } as never);
        assert.deepEqual(call("aws:index/getAvailabilityZones:getAvailabilityZones").names, ["us-west-2a", "us-west-2b", "us-west-2c"]);
        assert.equal(call("aws:index/getRegion:getRegion").name, "us-west-2");
        assert.equal(call("gcp:organizations/getProject:getProject").projectId, "acme");
    });

    it("renders getPolicyDocument as the provider writes it", async () => {
        const { result } = await runOffline(() =>
            aws.iam.getPolicyDocumentOutput({
                statements: [
                    { sid: "Send", actions: ["sqs:SendMessage"], resources: ["arn:aws:sqs:eu-west-1:123456789012:jobs"], principals: [{ type: "Service", identifiers: ["sns.amazonaws.com"] }], conditions: [{ test: "ArnEquals", variable: "aws:SourceArn", values: ["arn:aws:sns:eu-west-1:123456789012:events"] }] },
                    { effect: "Deny", actions: ["sqs:*"], resources: ["*"], principals: [{ type: "*", identifiers: ["*"] }], conditions: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }] },
                ],
            }).json,
        );
        assert.deepEqual(JSON.parse(await valueOf(result)), {
            Version: "2012-10-17",
            Statement: [
                { Sid: "Send", Effect: "Allow", Action: "sqs:SendMessage", Resource: "arn:aws:sqs:eu-west-1:123456789012:jobs", Principal: { Service: "sns.amazonaws.com" }, Condition: { ArnEquals: { "aws:SourceArn": "arn:aws:sns:eu-west-1:123456789012:events" } } },
                { Effect: "Deny", Action: "sqs:*", Resource: "*", Principal: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } },
            ],
        });
    });

    it("reads an answers file and says what is wrong with one", () => {
        const dir = project({ "answers.yaml": "aws:ssm/getParameter:getParameter:\n  value: vpc-1\n", "list.json": "[1]", "broken.json": "{" });
        assert.deepEqual(readInvokeAnswers(path.join(dir, "answers.yaml"))["aws:ssm/getParameter:getParameter"]({} as never), { value: "vpc-1" });
        assert.throws(() => readInvokeAnswers(path.join(dir, "list.json")), new InvokeAnswersError(`answers file ${path.join(dir, "list.json")} must map provider function tokens to results (got [1]). Write a mapping like {"aws:ec2/getAmi:getAmi": {"id": "ami-0abc"}}.`));
        assert.throws(() => readInvokeAnswers(path.join(dir, "broken.json")), (error: unknown) => error instanceof InvokeAnswersError && error.message.startsWith(`answers file ${path.join(dir, "broken.json")} is not readable JSON or YAML: `));
    });
});
