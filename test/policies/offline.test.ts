import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { checkStack } from "../../cli/policy-check";
import { evaluatePolicies } from "../../policies/lib/evaluate";
import { toEvaluatedResources } from "../../policies/lib/offline";
import { runOffline } from "../../components/testing/offline";
import { awsSqsQueueRequireDeadLetterQueue } from "../../policies/stack/aws-sqs-queue-require-dead-letter-queue";
import { awsSqsQueueLimitMessageRetention } from "../../policies/aws/aws-sqs-queue-limit-message-retention";

const fixture = path.join(__dirname, "fixtures", "hand-written");
const repoRoot = path.join(__dirname, "..", "..");

/** `npm run policy -- <args>`, as CI runs it. */
function policyCli(...args: string[]) {
    const result = spawnSync(process.execPath, ["--require", "tsx/cjs", path.join(repoRoot, "cli", "policy.ts"), ...args], { cwd: repoRoot, encoding: "utf8", timeout: 120_000 });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const summary = (violations: { enforcementLevel: string; policyName: string; urn?: string }[]) =>
    violations.map((v) => `${v.enforcementLevel} ${v.policyName} ${v.urn?.split("::").pop()}`);

describe("offline policy run (npm run policy)", function () {
    this.timeout(180_000);

    it("fails the hand-written broken stack with every one of its violations", async () => {
        const check = await checkStack("broken", { dir: fixture });
        assert.equal(check.failed, true);
        // Sorted: registration order under mocks follows when each resource's inputs resolve.
        assert.deepEqual(summary(check.violations).sort(), [
            "mandatory aws-lambda-event-source-mapping-require-partial-batch-failures worker-source",
            "mandatory aws-sqs-queue-require-dead-letter-queue orders",
            "mandatory aws-sqs-dead-letter-queue-require-longer-retention payments-dlq",
            "advisory aws-sqs-queue-require-fifo-deduplication events",
            "mandatory aws-sqs-queue-require-visibility-timeout-above-worker-timeout orders",
            "mandatory aws-sqs-dead-letter-queue-require-depth-alarm payments-dlq",
            "mandatory aws-sqs-dead-letter-queue-require-depth-alarm events-dlq",
            "advisory aws-sqs-queue-require-backlog-age-alarm orders",
            "advisory aws-sqs-queue-require-backlog-age-alarm payments",
            "advisory aws-sqs-queue-require-backlog-age-alarm events",
            "mandatory aws-sqs-consumer-require-idempotency-store worker",
            "advisory aws-sqs-queue-require-tls-only-access orders",
            "advisory aws-sqs-queue-require-tls-only-access payments-dlq",
            "advisory aws-sqs-queue-require-tls-only-access payments",
            "advisory aws-sqs-queue-require-tls-only-access events-dlq",
            "advisory aws-sqs-queue-require-tls-only-access events",
        ].sort());
        assert.equal(
            check.violations.find((v) => v.policyName === "aws-sqs-dead-letter-queue-require-longer-retention")?.message,
            'Dead-letter queue "payments-dlq" keeps messages for 1 day, no longer than its source SQS queue "payments" (4 days); SQS keeps the original enqueue time, so dead-lettered messages expire unseen. Set its messageRetentionSeconds above 345600 (at most 1209600), or shorten the source\'s.',
        );
    });

    it("passes the same stack done right", async () => {
        const check = await checkStack("compliant", { dir: fixture });
        assert.deepEqual(check.violations, []);
        assert.equal(check.failed, false);
        assert.equal(check.resources.filter((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm").length, 6);
    });

    it("gives stack policies outputs with parents in the URN, and resource policies inputs", async () => {
        const { resources } = await runOffline(async () => {
            const aws = await import("@pulumi/aws");
            const pulumi = await import("@pulumi/pulumi");
            class Box extends pulumi.ComponentResource {
                constructor(name: string) {
                    super("test:index:Box", name, {}, {});
                    new aws.sqs.Queue(`${name}-queue`, { messageRetentionSeconds: 3_600 }, { parent: this });
                }
            }
            new Box("box");
        });
        const evaluated = toEvaluatedResources(resources, "queuestack", "ci");
        const queue = evaluated.find((r) => r.type === "aws:sqs/queue:Queue");
        assert.equal(queue?.urn, "urn:pulumi:ci::queuestack::test:index:Box$aws:sqs/queue:Queue::box-queue");
        assert.equal(queue?.parentUrn, "urn:pulumi:ci::queuestack::test:index:Box::box");
        assert.equal(queue?.inputs.arn, undefined);
        assert.equal(queue?.outputs.arn, "arn:aws:sqs:eu-west-1:123456789012:box-queue");
        const violations = await evaluatePolicies(evaluated, [awsSqsQueueLimitMessageRetention, awsSqsQueueRequireDeadLetterQueue]);
        assert.deepEqual(summary(violations), ["mandatory aws-sqs-queue-limit-message-retention box-queue", "mandatory aws-sqs-queue-require-dead-letter-queue box-queue"]);
        const relaxed = await evaluatePolicies(evaluated, [awsSqsQueueLimitMessageRetention, awsSqsQueueRequireDeadLetterQueue], {
            "aws-sqs-queue-limit-message-retention": { enforcementLevel: "advisory", minimumRetentionDays: 1 },
            "aws-sqs-queue-require-dead-letter-queue": "disabled",
        });
        assert.deepEqual(summary(relaxed), ["advisory aws-sqs-queue-limit-message-retention box-queue"]);
    });

    it("the CLI checks every stack with --all (reporting one that cannot be planned), prints violations like the Pulumi CLI, and exits 1 on a mandatory one", () => {
        const all = policyCli("--all", "--dir", fixture);
        assert.equal(all.status, 1, all.stderr);
        assert.match(all.stdout, /^Stack "broken": FAILED \(7 mandatory, 9 advisory violations, 10 resources checked\)\nPolicies:\n {4}❌ queuestack@v0\.1\.0 \(local: policies\)\n/);
        assert.ok(all.stdout.includes(
            "        - [mandatory]  aws-sqs-queue-require-dead-letter-queue  (aws:sqs/queue:Queue: orders)\n" +
                "          Every SQS work queue dead-letters messages that keep failing, instead of retrying them until retention deletes them.\n" +
                '          SQS queue "orders" has no dead-letter queue: a failing message retries until retention deletes it. Create a dead-letter queue and set redrivePolicy: {"deadLetterTargetArn": <its arn>, "maxReceiveCount": 5}.\n',
        ), all.stdout);
        assert.ok(all.stdout.endsWith('Stack "compliant": passed (0 mandatory, 0 advisory violations, 24 resources checked)\nPolicies:\n    ✅ queuestack@v0.1.0 (local: policies)\n\n'), all.stdout);
        assert.equal(all.stdout.split("\n").filter((l) => l.startsWith("Stack ")).length, 2);
        assert.match(all.stderr, /^policy: stack "unplannable" could not be planned: Error: hand-written: this stack cannot be planned\n/);
    });

    it("the CLI takes a policy config like --policy-pack-config, and exits 0 when nothing is mandatory", () => {
        const dir = mkdtempSync(path.join(tmpdir(), "policy-config-"));
        const file = path.join(dir, "policy-config.json");
        const everyMandatory = ["aws-sqs-queue-require-fifo-deduplication", "aws-lambda-event-source-mapping-require-partial-batch-failures", "aws-sqs-queue-require-dead-letter-queue", "aws-sqs-dead-letter-queue-require-longer-retention", "aws-sqs-queue-require-visibility-timeout-above-worker-timeout", "aws-sqs-dead-letter-queue-require-depth-alarm", "aws-sqs-consumer-require-idempotency-store"];
        writeFileSync(file, JSON.stringify(Object.fromEntries(everyMandatory.map((name) => [name, "advisory"]))));
        const downgraded = policyCli("--stack", "broken", "--dir", fixture, "--policy-config", file);
        assert.equal(downgraded.status, 0, downgraded.stderr);
        assert.match(downgraded.stdout, /^Stack "broken": passed \(0 mandatory, 16 advisory violations/);
    });

    it("the CLI explains usage errors and unknown stacks", () => {
        const none = policyCli("--dir", fixture);
        assert.equal(none.status, 2);
        assert.match(none.stderr, /^policy: pass --stack <name> or --all\n/);
        const unknown = policyCli("--stack", "staging", "--dir", fixture);
        assert.equal(unknown.status, 1);
        assert.match(unknown.stderr, /^policy: no stack file .*Pulumi\.staging\.yaml \(stack "staging"\)\. Stacks here: broken, compliant, unplannable\.\n\n$/);
    });
});
