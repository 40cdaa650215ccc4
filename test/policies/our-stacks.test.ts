import * as assert from "node:assert/strict";
import * as path from "node:path";
import { checkStack } from "../../cli/policy-check";
import { AwsWebQueueWorker } from "../../components/aws";
import { AzureWebQueueWorker } from "../../components/azure";
import { type GcpCodeSource, GcpWebQueueWorker } from "../../components/gcp";
import type { SpecInput } from "../../components/spec";
import { runOffline } from "../../components/testing/offline";
import { allPolicies } from "../../policies/all";
import { type EvaluatedResource, evaluatePolicies, type Violation } from "../../policies/lib/evaluate";
import { toEvaluatedResources } from "../../policies/lib/offline";
import { fixedCode } from "../azure/fixtures";

const repoRoot = path.join(__dirname, "..", "..");
const mandatory = (violations: Violation[]) => violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => `${v.policyName}: ${v.message}`);

/** Both worker kinds, a FIFO queue, and alarms. */
const spec = {
    name: "portfolio",
    queues: [
        { name: "scrape", processingTimeSeconds: 20, maxReceiveCount: 5 },
        { name: "publish", ordering: "fifo" },
    ],
    workers: [
        { name: "scraper", queue: "scrape", kind: "function", timeoutSeconds: 30 },
        { name: "publisher", queue: "publish", kind: "vm" },
    ],
    alarms: { email: "ops@example.com" },
} satisfies SpecInput;

/** Runs `program` offline and returns what the policy engine would see. */
async function plan(program: () => unknown, config: Record<string, string>): Promise<EvaluatedResource[]> {
    const { resources } = await runOffline(program, { config, stack: "dev" });
    return toEvaluatedResources(resources, "queuestack", "dev");
}

/** Removes every resource of `type`: the named policy must then report once per `expected` subject, proving it ran on this stack. */
async function reportsWithout(resources: EvaluatedResource[], type: string, policyName: string): Promise<number> {
    const policy = allPolicies.filter((p) => p.name === policyName);
    return (await evaluatePolicies(resources.filter((r) => r.type !== type), policy)).length;
}

describe("stacks built from our components pass the policy pack", function () {
    this.timeout(300_000);

    it("aws: function and VM workers, a FIFO queue: zero mandatory violations", async () => {
        const resources = await plan(() => new AwsWebQueueWorker("portfolio", { spec }), { "aws:region": "eu-west-1" });
        assert.deepEqual(mandatory(await evaluatePolicies(resources, allPolicies)), []);
        assert.equal(await reportsWithout(resources, "aws:dynamodb/table:Table", "aws-sqs-consumer-require-idempotency-store"), 2);
        assert.equal(await reportsWithout(resources, "aws:cloudwatch/metricAlarm:MetricAlarm", "aws-sqs-dead-letter-queue-require-depth-alarm"), 2);
    });

    it("azure: function and VM workers, a session queue: zero mandatory violations", async () => {
        const resources = await plan(() => new AzureWebQueueWorker("portfolio", { spec, code: fixedCode }), { "azure-native:location": "westeurope" });
        assert.deepEqual(mandatory(await evaluatePolicies(resources, allPolicies)), []);
        assert.equal(await reportsWithout(resources, "azure-native:cosmosdb:SqlResourceSqlContainer", "azure-servicebus-consumer-require-idempotency-store"), 2);
        assert.equal(await reportsWithout(resources, "azure-native:monitor:MetricAlert", "azure-servicebus-queue-require-dead-letter-alarm"), 2);
    });

    it("gcp: function and VM workers, an ordered subscription: zero mandatory violations", async () => {
        const code: GcpCodeSource = { pushWorker: (m) => `// ${m}`, frontEnd: () => "// front end", vmPoller: (m) => `// ${m}` };
        const resources = await plan(() => new GcpWebQueueWorker("portfolio", { spec, code }), { "gcp:project": "demo-project", "gcp:region": "europe-west1" });
        assert.deepEqual(mandatory(await evaluatePolicies(resources, allPolicies)), []);
        const pushed = resources.find((r) => r.type === "gcp:cloudfunctionsv2/function:Function" && r.name === "portfolio-scraper-function")!;
        const config = pushed.outputs.serviceConfig as any;
        assert.deepEqual([config.maxInstanceRequestConcurrency, config.timeoutSeconds, config.environmentVariables.QUEUESTACK_WORKER_TIMEOUT_SECONDS], [10, 180, "30"], "push headroom on: the request lives to the ack deadline, the message runs 30 s");
        const longerMessage = { ...config, environmentVariables: { ...config.environmentVariables, QUEUESTACK_WORKER_TIMEOUT_SECONDS: "31" } };
        const changed = resources.map((r) => (r === pushed ? { ...r, outputs: { ...r.outputs, serviceConfig: longerMessage } } : r));
        const ackPolicy = allPolicies.filter((p) => p.name === "gcp-pubsub-subscription-require-ack-deadline-above-worker-timeout");
        assert.equal((await evaluatePolicies(changed, ackPolicy)).length, 1, "the policy reads the message timeout of this stack's function");
        assert.equal(await reportsWithout(resources, "gcp:firestore/database:Database", "gcp-pubsub-consumer-require-idempotency-store"), 2);
        assert.equal(await reportsWithout(resources, "gcp:monitoring/alertPolicy:AlertPolicy", "gcp-pubsub-dead-letter-subscription-require-depth-alarm"), 2);
        assert.equal(await reportsWithout(resources, "gcp:pubsub/topicIAMMember:TopicIAMMember", "gcp-pubsub-dead-letter-topic-require-service-agent-roles"), 2);
    });

    for (const stack of ["dev", "prod", "gcp-dev"]) {
        it(`Pulumi.${stack}.yaml (npm run policy -- --stack ${stack}): zero mandatory violations`, async () => {
            const check = await checkStack(stack, { dir: repoRoot });
            assert.deepEqual(mandatory(check.violations), []);
            assert.equal(check.failed, false);
        });
    }
});
