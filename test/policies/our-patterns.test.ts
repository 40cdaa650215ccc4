import * as assert from "node:assert/strict";
import { Queue } from "../../components/aws/queue";
import { Topic } from "../../components/aws/topic";
import { DelayScheduler } from "../../components/aws/delay-scheduler";
import { LargeMessageBucket } from "../../components/aws/large-messages";
import { AzureWebQueueWorker } from "../../components/azure";
import type { SpecInput } from "../../components/spec";
import { runOffline } from "../../components/testing/offline";
import { allPolicies } from "../../policies/all";
import { type EvaluatedResource, evaluatePolicies, type Violation } from "../../policies/lib/evaluate";
import { toEvaluatedResources } from "../../policies/lib/offline";
import { fixedCode } from "../azure/fixtures";

/** The policies added for the queue patterns that these components create resources for. */
const fanOutPolicies = allPolicies.filter((p) =>
    ["aws-sns-topic-subscription-require-dead-letter-queue", "aws-sns-topic-subscription-require-raw-message-delivery", "aws-sqs-queue-policy-require-source-arn", "azure-servicebus-topic-require-dead-letter-alarm"].includes(p.name),
);
const messages = (violations: Violation[]) => violations.map((v) => `${v.enforcementLevel} ${v.policyName}: ${v.message}`);

async function plan(program: () => unknown, config: Record<string, string>): Promise<EvaluatedResource[]> {
    const { resources } = await runOffline(program, { config, stack: "dev" });
    return toEvaluatedResources(resources, "queuestack", "dev");
}

describe("the pattern policies on resources built by our components", function () {
    this.timeout(300_000);

    it("aws: a fan-out topic feeding a queue with priority levels passes, and the dead-letter grant is what makes it pass", async () => {
        const resources = await plan(() => {
            const topic = new Topic("order-events", { topic: { name: "order-events", subscribers: ["emails"] } });
            new Queue("emails", { queue: { name: "emails", priorities: { levels: [{ name: "high", weight: 2 }, { name: "low", weight: 1 }] } }, topics: [{ name: "order-events", arn: topic.arn }] });
        }, { "aws:region": "eu-west-1" });
        assert.equal(resources.filter((r) => r.type === "aws:sns/topicSubscription:TopicSubscription").length, 1);
        assert.deepEqual(messages(await evaluatePolicies(resources, fanOutPolicies)), []);
        const withoutQueuePolicies = resources.filter((r) => r.type !== "aws:sqs/queuePolicy:QueuePolicy");
        assert.deepEqual((await evaluatePolicies(withoutQueuePolicies, fanOutPolicies)).map((v) => v.policyName), ["aws-sns-topic-subscription-require-dead-letter-queue"]);
    });

    it("aws: the long-delay scheduler role and the claim-check bucket pass, and fail when their guard is taken away", async () => {
        const queue = "arn:aws:sqs:eu-west-1:123456789012:shop-orders";
        const resources = await plan(() => {
            new DelayScheduler("delays", { targets: [{ arn: queue }] });
            new LargeMessageBucket("bodies", { expireDays: 19 });
        }, { "aws:region": "eu-west-1" });
        const policies = allPolicies.filter((p) => ["aws-scheduler-role-limit-to-sqs-send-message", "aws-s3-bucket-require-object-expiration", "aws-s3-bucket-require-public-access-block"].includes(p.name));
        assert.deepEqual(messages(await evaluatePolicies(resources, policies)), []);
        const without = (type: string) => resources.filter((r) => r.type !== type);
        assert.deepEqual((await evaluatePolicies(without("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"), policies)).map((v) => v.policyName), ["aws-s3-bucket-require-object-expiration"]);
        assert.deepEqual((await evaluatePolicies(without("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"), policies)).map((v) => v.policyName), ["aws-s3-bucket-require-public-access-block"]);
        const widened = resources.map((r) => {
            if (r.type !== "aws:iam/rolePolicy:RolePolicy") return r;
            const outputs = { ...r.outputs, policy: String(r.outputs.policy).replace('"sqs:SendMessage"', '"sqs:*"') };
            return { ...r, inputs: outputs, outputs };
        });
        assert.deepEqual((await evaluatePolicies(widened, policies)).map((v) => v.policyName), ["aws-scheduler-role-limit-to-sqs-send-message"]);
    });

    it("azure: fan-out topics alert on their subscriptions' dead letters, and the pack sees it", async () => {
        const spec = {
            name: "fanout",
            queues: [{ name: "emails" }, { name: "analytics" }],
            topics: [{ name: "order-events", subscribers: ["emails", "analytics"] }, { name: "refund-events", subscribers: ["emails"] }],
            workers: [{ name: "mailer", queue: "emails", kind: "function" }, { name: "tracker", queue: "analytics", kind: "vm" }],
        } satisfies SpecInput;
        const resources = await plan(() => new AzureWebQueueWorker("fanout", { spec, code: fixedCode }), { "azure-native:location": "westeurope" });
        assert.equal(resources.filter((r) => r.type === "azure-native:servicebus:Subscription").length, 3);
        assert.deepEqual(messages(await evaluatePolicies(resources, allPolicies)).filter((m) => m.startsWith("mandatory")), []);
        const withoutAlerts = resources.filter((r) => r.type !== "azure-native:monitor:MetricAlert");
        assert.deepEqual((await evaluatePolicies(withoutAlerts, fanOutPolicies)).map((v) => v.policyName), [
            "azure-servicebus-topic-require-dead-letter-alarm",
            "azure-servicebus-topic-require-dead-letter-alarm",
        ]);
    });
});
