import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { checkStack, type StackCheck } from "../../cli/policy-check";
import { runProject } from "../../components/testing/run-project";
import { valueOf } from "../../components/testing/offline";
import { UnansweredInvokeError } from "../../components/testing/invokes";

const programs = path.join(__dirname, "fixtures", "programs");
const repoRoot = path.join(__dirname, "..", "..");

/** `queuestack policy <args>` as CI runs it, from `cwd`. */
function policyCli(cwd: string, ...args: string[]) {
    const result = spawnSync(process.execPath, ["--require", "tsx/cjs", path.join(repoRoot, "cli", "policy.ts"), ...args], { cwd, encoding: "utf8", timeout: 120_000 });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const violations = (check: StackCheck) => check.violations.map((v) => `${v.enforcementLevel} ${v.policyName} ${v.urn?.split("::").pop()}: ${v.message}`).sort();
const outputsOf = async (outputs: unknown) =>
    Object.fromEntries(await Promise.all(Object.entries(outputs as Record<string, unknown>).map(async ([k, v]) => [k, await valueOf(v)] as const)));

const ssmError =
    'offline run: the program calls the provider function aws:ssm/getParameter:getParameter (inputs {"name":"/network/vpc-id"}), which has no offline answer. ' +
    "Its result has the fields arn, id, insecureValue, name, region, type, value, version, withDecryption: give the ones the program reads " +
    'in an answers file passed with --answers <file> (JSON or YAML: {"aws:ssm/getParameter:getParameter": {"value": "<what the provider returns>"}}), or in runOffline\'s calls option.';

describe("offline policy run of any Pulumi program (its own Pulumi.yaml and stack files)", function () {
    this.timeout(180_000);

    describe("a TypeScript @pulumi/aws program", () => {
        const dir = path.join(programs, "aws-ts");

        it("runs under its own project name with its namespaced config, project defaults and an opaque secret", async () => {
            const run = await runProject(dir, "dev");
            assert.equal(run.project.name, "orders-service");
            assert.deepEqual(run.config, { "orders-service:retentionDays": 4, "aws:region": "us-east-1", "orders-service:dbPassword": "[secret]" });
            assert.deepEqual(run.resources.map((r) => `${r.type} ${r.name}`), [
                "aws:sqs/queue:Queue orders",
                "aws:iam/role:Role api-role",
                "aws:iam/rolePolicyAttachment:RolePolicyAttachment api-logs",
                "aws:lambda/function:Function api",
                "aws:lambda/functionUrl:FunctionUrl api-url",
            ]);
            // The Pulumi.yaml default (4 days), and the role's trust policy as getPolicyDocument renders it.
            assert.equal(run.resources[0].inputs.messageRetentionSeconds, 345_600);
            assert.deepEqual(JSON.parse(run.resources[1].inputs.assumeRolePolicy as string), {
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: "lambda.amazonaws.com" } }],
            });
            // Computed outputs the program reads (a function URL's host; the region and account) do not crash it.
            assert.deepEqual(await outputsOf(run.outputs), { apiHost: "api-url.lambda-url.eu-west-1.on.aws", ordersArn: "arn:aws:sqs:us-east-1:123456789012:orders" });
        });

        it("reports exactly its violations, with URNs under its project", async () => {
            const check = await checkStack("dev", { dir });
            assert.equal(check.failed, true);
            assert.equal(check.resources[0].urn, "urn:pulumi:dev::orders-service::aws:sqs/queue:Queue::orders");
            assert.deepEqual(violations(check), [
                'advisory aws-sqs-queue-require-backlog-age-alarm orders: SQS queue "orders" has no backlog-age alarm. Add a CloudWatch metric alarm on AWS/SQS ApproximateAgeOfOldestMessage, dimension QueueName = "orders", at your backlog SLA, with alarmActions.',
                'advisory aws-sqs-queue-require-tls-only-access orders: SQS queue "orders" accepts requests without TLS. Add an aws.sqs.QueuePolicy statement: {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "sqs:*", "Resource": <queue arn>, "Condition": {"Bool": {"aws:SecureTransport": "false"}}}.',
                'mandatory aws-sqs-queue-require-dead-letter-queue orders: SQS queue "orders" has no dead-letter queue: a failing message retries until retention deletes it. Create a dead-letter queue and set redrivePolicy: {"deadLetterTargetArn": <its arn>, "maxReceiveCount": 5}.',
            ]);
        });

        it("names a provider function it cannot answer and how to supply it", async () => {
            await assert.rejects(runProject(dir, "ssm"), (error: unknown) => {
                assert.ok(error instanceof UnansweredInvokeError);
                assert.equal(error.token, "aws:ssm/getParameter:getParameter");
                assert.equal(error.message, ssmError);
                return true;
            });
        });

        it("the CLI prints that error for the stack, and takes the answer from --answers", () => {
            const unanswered = policyCli(dir, "--stack", "ssm");
            assert.equal(unanswered.status, 1);
            assert.equal(unanswered.stderr, `policy: stack "ssm" could not be planned: ${ssmError}\n\n`);
            assert.equal(unanswered.stdout, "");

            const answers = path.join(mkdtempSync(path.join(tmpdir(), "answers-")), "answers.yaml");
            writeFileSync(answers, "aws:ssm/getParameter:getParameter:\n  value: vpc-0abc\n");
            const answered = policyCli(dir, "--stack", "ssm", "--answers", answers);
            assert.equal(answered.status, 1, answered.stderr);
            assert.equal(answered.stderr, "");
            assert.match(answered.stdout, /^Stack "ssm": FAILED \(1 mandatory, 2 advisory violations, 6 resources checked\)\n/);
        });

        it("the CLI says what is wrong with an answers file", () => {
            const file = path.join(mkdtempSync(path.join(tmpdir(), "answers-")), "answers.json");
            writeFileSync(file, JSON.stringify({ getParameter: { value: "vpc-0abc" } }));
            const result = policyCli(dir, "--stack", "ssm", "--answers", file);
            assert.equal(result.status, 1);
            assert.equal(result.stderr, `policy: answers file ${file}: "getParameter" must be a provider function token (package:module:function) mapped to a result object (got {"value":"vpc-0abc"}).\n`);
        });
    });

    it("runs a CommonJS @pulumi/azure-native program from package.json's main", async () => {
        const dir = path.join(programs, "azure-js");
        const run = await runProject(dir, "prod");
        assert.equal(run.project.name, "shop-billing");
        assert.deepEqual(await outputsOf(run.outputs), { serviceBusHost: "billing.servicebus.offline.invalid", tenantId: "11111111-1111-1111-1111-111111111111" });
        const check = await checkStack("prod", { dir });
        assert.equal(check.resources[2].urn, "urn:pulumi:prod::shop-billing::azure-native:servicebus:Queue::invoices");
        assert.deepEqual(violations(check), [
            'advisory azure-servicebus-queue-require-backlog-alarm invoices: Service Bus queue "invoices" has no backlog alert. Add an Azure Monitor metric alert (azure-native monitor.MetricAlert) on ActiveMessages with dimension EntityName = "invoices", at your backlog SLA, and an action group.',
            'mandatory azure-servicebus-queue-require-dead-letter-alarm invoices: Service Bus queue "invoices" has no dead-letter alert: dead-lettered messages go unnoticed. Add an Azure Monitor metric alert (azure-native monitor.MetricAlert) on DeadletteredMessages with dimension EntityName = "invoices" and an action group.',
        ]);
    });

    it("runs an ES module @pulumi/gcp program with the stack's project", async () => {
        const dir = path.join(programs, "gcp-esm");
        const run = await runProject(dir, "staging");
        assert.equal(run.project.name, "events-pipeline");
        assert.deepEqual(await outputsOf(run.outputs), { apiHost: "api-abc123-ew.a.run.app", pubsubAgent: "service-123456789012@gcp-sa-pubsub.iam.gserviceaccount.com" });
        const check = await checkStack("staging", { dir });
        assert.deepEqual(violations(check), [
            'advisory gcp-pubsub-subscription-require-backlog-age-alarm events-worker: Pub/Sub subscription "events-worker" has no backlog-age alert. Add a gcp.monitoring.AlertPolicy with notificationChannels on pubsub.googleapis.com/subscription/oldest_unacked_message_age for subscription_id="events-worker", at your backlog SLA.',
            'mandatory gcp-pubsub-subscription-require-dead-letter-policy events-worker: Pub/Sub subscription "events-worker" has no dead-letter policy: a failing message is redelivered until retention drops it. Create a dead-letter topic with its own subscription and set deadLetterPolicy: { deadLetterTopic: <topic id>, maxDeliveryAttempts: 5 }.',
        ]);
        assert.equal(check.resources.some((r) => r.type === "gcp:cloudrunv2/service:Service"), true);
    });
});
