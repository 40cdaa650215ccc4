import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { Queue } from "../../components/aws/queue";
import { runOffline, valueOf } from "../../components/testing/offline";
import { jsonInput, ofType, one } from "../helpers/resources";

const arn = (name: string) => `arn:aws:sqs:eu-west-1:123456789012:${name}`;
const priorities = { levels: [{ name: "high", weight: 3 }, { name: "normal", weight: 1 }, { name: "low", weight: 1 }], defaultLevel: "normal", promoteAfterSeconds: 120 };
const plan = (args: Omit<ConstructorParameters<typeof Queue>[1], "namePrefix">) =>
    runOffline(() => new Queue("jobs", { namePrefix: ["shop", "dev"], ...args }), { stack: "dev" });

describe("aws Queue patterns", () => {
    it("makes one queue and one DLQ per priority level, each redriving to its own DLQ", async () => {
        const { resources, result } = await plan({ queue: { name: "jobs", priorities }, visibilityTimeoutSeconds: 90 });
        const queues = ofType(resources, "aws:sqs/queue:Queue");
        assert.deepEqual(queues.map((q) => [q.name, q.inputs.name]).sort(), [
            ["jobs-high-dlq", "shop-dev-jobs-high-dlq"],
            ["jobs-high-queue", "shop-dev-jobs-high"],
            ["jobs-low-dlq", "shop-dev-jobs-low-dlq"],
            ["jobs-low-queue", "shop-dev-jobs-low"],
            ["jobs-normal-dlq", "shop-dev-jobs-normal-dlq"],
            ["jobs-normal-queue", "shop-dev-jobs-normal"],
        ]);
        for (const level of ["high", "normal", "low"]) {
            const queue = one(resources, "aws:sqs/queue:Queue", `jobs-${level}-queue`);
            assert.deepEqual(jsonInput(queue, "redrivePolicy"), { deadLetterTargetArn: arn(`shop-dev-jobs-${level}-dlq`), maxReceiveCount: 5 });
            assert.equal(queue.inputs.visibilityTimeoutSeconds, 90);
            assert.deepEqual(jsonInput(one(resources, "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy", `jobs-${level}-dlq-redrive-allow`), "redriveAllowPolicy").sourceQueueArns, [arn(`shop-dev-jobs-${level}`)]);
        }
        assert.equal(ofType(resources, "aws:sqs/queuePolicy:QueuePolicy").length, 6);
        assert.equal(ofType(resources, "aws:sqs/queue:Queue").filter((q) => q.name === "jobs-queue").length, 0, "no level-less queue beside the levels");
        // The component's own outputs are the default level's.
        assert.equal(await valueOf(result.url), "https://sqs.eu-west-1.amazonaws.com/123456789012/shop-dev-jobs-normal");
        assert.equal(await valueOf(result.deadLetterArn), arn("shop-dev-jobs-normal-dlq"));
        assert.deepEqual(
            await Promise.all(result.levels.map(async (l) => [l.level, l.weight, await valueOf(pulumi.output(l.url))])),
            [["high", 3, "https://sqs.eu-west-1.amazonaws.com/123456789012/shop-dev-jobs-high"], ["normal", 1, "https://sqs.eu-west-1.amazonaws.com/123456789012/shop-dev-jobs-normal"], ["low", 1, "https://sqs.eu-west-1.amazonaws.com/123456789012/shop-dev-jobs-low"]],
        );
    });

    it("subscribes the default level to each feeding topic with raw delivery and a redrive to that level's DLQ", async () => {
        const topics = [{ name: "orders-events", arn: "arn:aws:sns:eu-west-1:123456789012:shop-dev-orders-events" }, { name: "audit", arn: "arn:aws:sns:eu-west-1:123456789012:shop-dev-audit" }];
        const { resources } = await plan({ queue: { name: "jobs", priorities }, topics });
        const subscriptions = ofType(resources, "aws:sns/topicSubscription:TopicSubscription");
        assert.deepEqual(subscriptions.map((s) => s.name).sort(), ["jobs-normal-audit-subscription", "jobs-normal-orders-events-subscription"]);
        for (const topic of topics) {
            const s = one(resources, "aws:sns/topicSubscription:TopicSubscription", `jobs-normal-${topic.name}-subscription`);
            assert.equal(s.inputs.topic, topic.arn);
            assert.equal(s.inputs.protocol, "sqs");
            assert.equal(s.inputs.endpoint, arn("shop-dev-jobs-normal"));
            assert.equal(s.inputs.rawMessageDelivery, true);
            assert.deepEqual(jsonInput(s, "redrivePolicy"), { deadLetterTargetArn: arn("shop-dev-jobs-normal-dlq") });
        }
        for (const role of ["queue", "dlq"]) {
            const target = arn(role === "queue" ? "shop-dev-jobs-normal" : "shop-dev-jobs-normal-dlq");
            const statements = jsonInput(one(resources, "aws:sqs/queuePolicy:QueuePolicy", `jobs-normal-${role}-policy`), "policy").Statement;
            assert.deepEqual(statements[1], {
                Sid: "AllowFanOutTopics",
                Effect: "Allow",
                Principal: { Service: "sns.amazonaws.com" },
                Action: ["sqs:SendMessage"],
                Resource: target,
                Condition: { ArnEquals: { "aws:SourceArn": topics.map((t) => t.arn) } },
            });
            assert.equal(statements.length, 2);
        }
        for (const level of ["high", "low"]) {
            for (const role of ["queue", "dlq"]) {
                const statements = jsonInput(one(resources, "aws:sqs/queuePolicy:QueuePolicy", `jobs-${level}-${role}-policy`), "policy").Statement;
                assert.deepEqual(statements.map((s: { Sid: string }) => s.Sid), ["DenyInsecureTransport"], `${level} ${role}: no SNS grant off the default level`);
            }
        }
    });

    it("has no subscription and no SNS grant without topics", async () => {
        const { resources } = await plan({ queue: { name: "jobs" } });
        assert.equal(ofType(resources, "aws:sns/topicSubscription:TopicSubscription").length, 0);
        for (const policy of ofType(resources, "aws:sqs/queuePolicy:QueuePolicy")) {
            assert.equal(jsonInput(policy, "policy").Statement.length, 1, `${policy.name} only denies insecure transport`);
        }
    });
});
