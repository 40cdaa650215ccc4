import { strict as assert } from "node:assert";
import { AwsWebQueueWorker } from "../../components/aws/stack";
import type { SpecInput } from "../../components/spec";
import { runOffline } from "../../components/testing/offline";
import { allPolicies } from "../../policies/all";
import { evaluatePolicies } from "../../policies/lib/evaluate";
import { toEvaluatedResources } from "../../policies/lib/offline";
import { jsonInput, ofType, one } from "../helpers/resources";
import { routingTable } from "./package-files";

/** Every queue pattern at once: priorities, a long delay, a FIFO queue with body keys, two topics, claim check, waiting. */
const spec = {
    name: "shop",
    frontEnd: { maxWaitSeconds: 15, maxBodyKb: 3000 },
    queues: [
        { name: "jobs", maxDelaySeconds: 7200, priorities: { levels: [{ name: "high", weight: 3 }, { name: "low", weight: 1 }], promoteAfterSeconds: 60 } },
        { name: "orders", ordering: "fifo", deduplication: "messageId", groupKey: "body.customerId", deduplicationKey: "body.orderId" },
        { name: "audit" },
    ],
    topics: [
        { name: "signups", subscribers: ["jobs", "audit"] },
        { name: "order-events", subscribers: ["orders"] },
    ],
    largeMessages: { enabled: true, maxBodyMb: 2 },
    workers: [
        { name: "runner", queue: "jobs", kind: "function", concurrency: 8 },
        { name: "crawler", queue: "jobs", kind: "vm" },
        { name: "orderer", queue: "orders", kind: "function" },
    ],
} satisfies SpecInput;

const plan = () => runOffline(() => new AwsWebQueueWorker("shop", { spec }), { stack: "dev", config: { "aws:region": "eu-west-1" } });
const sqsArn = (name: string) => `arn:aws:sqs:eu-west-1:123456789012:${name}`;

describe("aws whole stack with queue patterns", function () {
    this.timeout(120_000);
    let resources: Awaited<ReturnType<typeof plan>>["resources"];
    before(async () => ({ resources } = await plan()));

    it("creates a queue, DLQ and both alarms per level, and nothing for the level-less name", () => {
        const names = ofType(resources, "aws:sqs/queue:Queue").map((q) => q.inputs.name).sort();
        assert.deepEqual(names, ["shop-dev-audit", "shop-dev-audit-dlq", "shop-dev-delays-dlq", "shop-dev-jobs-high", "shop-dev-jobs-high-dlq", "shop-dev-jobs-low", "shop-dev-jobs-low-dlq", "shop-dev-orders-dlq.fifo", "shop-dev-orders.fifo"]);
        const alarms = ofType(resources, "aws:cloudwatch/metricAlarm:MetricAlarm").map((a) => a.name).filter((n) => /dlq-depth|oldest-message/.test(n)).sort();
        assert.deepEqual(alarms, ["audit-dlq-depth", "audit-oldest-message", "delays-dlq-depth", "jobs-high-dlq-depth", "jobs-high-oldest-message", "jobs-low-dlq-depth", "jobs-low-oldest-message", "orders-dlq-depth", "orders-oldest-message"].map((n) => `shop-alarms-${n}`));
    });

    it("makes a standard and a FIFO topic, each subscribed by exactly its subscribers' default levels", () => {
        assert.deepEqual(ofType(resources, "aws:sns/topic:Topic").map((t) => [t.inputs.name, t.inputs.fifoTopic ?? false]).sort(), [["shop-dev-alarms", false], ["shop-dev-order-events.fifo", true], ["shop-dev-signups", false]]);
        assert.deepEqual(ofType(resources, "aws:sns/topicSubscription:TopicSubscription").filter((s) => s.inputs.protocol === "sqs").map((s) => [s.inputs.topic, s.inputs.endpoint]).sort(), [
            ["arn:aws:sns:eu-west-1:123456789012:shop-dev-order-events.fifo", sqsArn("shop-dev-orders.fifo")],
            ["arn:aws:sns:eu-west-1:123456789012:shop-dev-signups", sqsArn("shop-dev-audit")],
            ["arn:aws:sns:eu-west-1:123456789012:shop-dev-signups", sqsArn("shop-dev-jobs-low")],
        ]);
    });

    it("adds the delay scheduler only for the queue beyond 900 s, targeting its levels", () => {
        assert.equal(one(resources, "aws:scheduler/scheduleGroup:ScheduleGroup").inputs.name, "shop-dev-delays");
        const send = jsonInput(one(resources, "aws:iam/rolePolicy:RolePolicy", "shop-delays-role-policy"), "policy").Statement[0];
        assert.deepEqual(send.Resource, [sqsArn("shop-dev-jobs-high"), sqsArn("shop-dev-jobs-low")]);
    });

    it("gives the schedules their own dead-letter queue with a depth alarm, and hands it to the front end", () => {
        const dlq = ofType(resources, "aws:sqs/queue:Queue").find((q) => q.inputs.name === "shop-dev-delays-dlq")!;
        assert.equal(dlq.inputs.fifoQueue, undefined, "Scheduler takes a standard queue only");
        assert.equal(dlq.inputs.redrivePolicy, undefined);
        const alarm = one(resources, "aws:cloudwatch/metricAlarm:MetricAlarm", "shop-alarms-delays-dlq-depth").inputs;
        assert.deepEqual([alarm.namespace, alarm.metricName, alarm.dimensions, alarm.threshold, alarm.comparisonOperator], ["AWS/SQS", "ApproximateNumberOfMessagesVisible", { QueueName: "shop-dev-delays-dlq" }, 1, "GreaterThanOrEqualToThreshold"]);
        const front = (one(resources, "aws:lambda/function:Function", "shop-front-end-function").inputs.environment as { variables: Record<string, string> }).variables;
        assert.equal(front.QUEUESTACK_SCHEDULER_DEAD_LETTER_ARN, sqsArn("shop-dev-delays-dlq"));
        const send = jsonInput(one(resources, "aws:iam/rolePolicy:RolePolicy", "shop-delays-role-policy"), "policy").Statement[1];
        assert.deepEqual([send.Sid, send.Action, send.Resource], ["SendDeadLetterEvents", ["sqs:SendMessage"], sqsArn("shop-dev-delays-dlq")]);
    });

    it("wires the claim-check bucket, levels and routing into the workers and the front end", async () => {
        const variables = (name: string) => (one(resources, "aws:lambda/function:Function", name).inputs.environment as { variables: Record<string, string> }).variables;
        const runner = variables("shop-runner-function");
        assert.deepEqual(JSON.parse(runner.QUEUESTACK_QUEUE_LEVELS).levels.map((l: { level: string; weight: number }) => [l.level, l.weight]), [["high", 3], ["low", 1]]);
        assert.equal(JSON.parse(runner.QUEUESTACK_QUEUE_LEVELS).promoteAfterSeconds, 60);
        assert.equal(variables("shop-orderer-function").QUEUESTACK_QUEUE_LEVELS, undefined, "no levels on a queue without priorities");
        const front = variables("shop-front-end-function");
        // The mock names an unnamed bucket "<logical name>-bucket".
        for (const env of [runner, variables("shop-orderer-function"), front]) assert.equal(env.QUEUESTACK_BLOB_BUCKET, "shop-large-messages-bucket-bucket");
        const [expire] = one(resources, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules as { expiration: { days: number } }[];
        assert.equal(expire.expiration.days, 20, "a 2-hour delay (one whole day) + 4 days retention + 14 days DLQ retention + 1");
        const queues = (await routingTable(one(resources, "aws:lambda/function:Function", "shop-front-end-function"))).QUEUESTACK_QUEUES;
        assert.deepEqual(queues.orders, { url: "https://sqs.eu-west-1.amazonaws.com/123456789012/shop-dev-orders.fifo", fifo: true, groupKey: "body.customerId", deduplicationKey: "body.orderId", maxMessageBytes: 256 * 1024 });
        assert.equal(queues.jobs.defaultLevel, "low");
        assert.equal(queues.jobs.maxDelaySeconds, 7200);
        assert.equal(queues.audit.maxDelaySeconds, undefined);
        assert.equal(one(resources, "aws:lambda/function:Function", "shop-front-end-function").inputs.timeout, 20);
        const mappings = ofType(resources, "aws:lambda/eventSourceMapping:EventSourceMapping").filter((m) => m.parent === "shop-runner");
        assert.deepEqual(mappings.map((m) => (m.inputs.scalingConfig as { maximumConcurrency: number }).maximumConcurrency).sort(), [2, 6]);
    });

    it("passes the policy pack with zero mandatory violations", async () => {
        const violations = await evaluatePolicies(toEvaluatedResources(resources, "queuestack", "dev"), allPolicies);
        assert.deepEqual(violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => `${v.policyName}: ${v.message}`), []);
    });
});
