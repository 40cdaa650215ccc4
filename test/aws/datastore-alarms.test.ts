import { strict as assert } from "node:assert";
import { Alarms } from "../../components/aws/alarms";
import { Dashboard } from "../../components/aws/dashboard";
import { Datastore } from "../../components/aws/datastore";
import { runOffline, valueOf } from "../../components/testing/offline";
import { ofType, one } from "../helpers/resources";

const queues = [{ name: "jobs", queueName: "shop-dev-jobs", deadLetterName: "shop-dev-jobs-dlq" }];
const functions = [{ name: "resize", functionName: "shop-dev-resize" }];

describe("aws Datastore", () => {
    it("is an on-demand DynamoDB table with TTL on expiresAt, point-in-time recovery and encryption", async () => {
        const { resources, result } = await runOffline(() => new Datastore("data", { namePrefix: ["shop", "dev"] }));
        const table = one(resources, "aws:dynamodb/table:Table");
        assert.equal(table.inputs.billingMode, "PAY_PER_REQUEST");
        assert.equal(table.inputs.hashKey, "pk");
        assert.deepEqual(table.inputs.attributes, [{ name: "pk", type: "S" }]);
        assert.deepEqual(table.inputs.ttl, { attributeName: "expiresAt", enabled: true });
        assert.deepEqual(table.inputs.pointInTimeRecovery, { enabled: true });
        assert.deepEqual(table.inputs.serverSideEncryption, { enabled: true });
        assert.equal(table.inputs.readCapacity, undefined);
        assert.equal(await valueOf(result.tableName), "shop-dev-data");
    });

    it("turns point-in-time recovery off only when asked", async () => {
        const { resources } = await runOffline(() => new Datastore("data", { datastore: { pointInTimeRecovery: false } }));
        assert.deepEqual(one(resources, "aws:dynamodb/table:Table").inputs.pointInTimeRecovery, { enabled: false });
    });
});

describe("aws Alarms", () => {
    it("alarms on DLQ depth, oldest message age and worker errors and throttles, notifying the topic", async () => {
        const { resources } = await runOffline(() => new Alarms("ops", { namePrefix: ["shop", "dev"], alarms: { oldestMessageAgeSeconds: 300, email: "ops@example.com" }, queues, functions }));
        const alarms = ofType(resources, "aws:cloudwatch/metricAlarm:MetricAlarm");
        const summary = alarms.map((a) => [a.inputs.namespace, a.inputs.metricName, a.inputs.dimensions, a.inputs.statistic, a.inputs.comparisonOperator, a.inputs.threshold]);
        assert.deepEqual(summary, [
            ["AWS/SQS", "ApproximateNumberOfMessagesVisible", { QueueName: "shop-dev-jobs-dlq" }, "Maximum", "GreaterThanOrEqualToThreshold", 1],
            ["AWS/SQS", "ApproximateAgeOfOldestMessage", { QueueName: "shop-dev-jobs" }, "Maximum", "GreaterThanThreshold", 300],
            ["AWS/Lambda", "Errors", { FunctionName: "shop-dev-resize" }, "Sum", "GreaterThanOrEqualToThreshold", 1],
            ["AWS/Lambda", "Throttles", { FunctionName: "shop-dev-resize" }, "Sum", "GreaterThanOrEqualToThreshold", 1],
        ]);
        assert.ok(!alarms.some((a) => a.inputs.metricName === "NumberOfMessagesSent"), "DLQ alarms must not use NumberOfMessagesSent (redrive moves do not count)");
        const topicArn = "arn:aws:sns:eu-west-1:123456789012:shop-dev-alarms";
        for (const alarm of alarms) {
            assert.deepEqual(alarm.inputs.alarmActions, [topicArn]);
            assert.deepEqual(alarm.inputs.okActions, [topicArn]);
            assert.equal(alarm.inputs.treatMissingData, "notBreaching");
        }
        // CloudWatch cannot publish under the AWS managed SNS key: the topic has its own key that admits it.
        const key = one(resources, "aws:kms/key:Key");
        assert.equal(one(resources, "aws:sns/topic:Topic").inputs.kmsMasterKeyId, `arn:aws:kms:eu-west-1:123456789012:key/${key.name}`);
        assert.equal(key.inputs.enableKeyRotation, true);
        assert.deepEqual(JSON.parse(key.inputs.policy as string).Statement, [
            { Sid: "AccountAdministersKey", Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "kms:*", Resource: "*" },
            {
                Sid: "CloudWatchAlarmsPublish",
                Effect: "Allow",
                Principal: { Service: "cloudwatch.amazonaws.com" },
                Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
                Resource: "*",
                Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
            },
        ]);
        const email = one(resources, "aws:sns/topicSubscription:TopicSubscription");
        assert.deepEqual([email.inputs.protocol, email.inputs.endpoint, email.inputs.topic], ["email", "ops@example.com", topicArn]);
    });

    it("creates no email subscription without an address", async () => {
        const { resources } = await runOffline(() => new Alarms("ops", { queues }));
        assert.equal(ofType(resources, "aws:sns/topicSubscription:TopicSubscription").length, 0);
        assert.equal(ofType(resources, "aws:cloudwatch/metricAlarm:MetricAlarm").length, 2);
    });
});

describe("aws Dashboard", () => {
    it("charts depth, oldest age, in flight, DLQ depth and processing time p50/p99", async () => {
        const { resources } = await runOffline(() => new Dashboard("ops", { namePrefix: ["shop", "dev"], queues, functions, region: "eu-west-1" }));
        const body = JSON.parse(one(resources, "aws:cloudwatch/dashboard:Dashboard").inputs.dashboardBody as string);
        const widgets = body.widgets.map((w: { properties: { title: string; metrics: unknown[][] } }) => [w.properties.title, w.properties.metrics.map((m) => `${m[1]} ${m[3]} ${(m[4] as { stat: string }).stat}`)]);
        assert.deepEqual(widgets, [
            ["Queue depth (visible messages)", ["ApproximateNumberOfMessagesVisible shop-dev-jobs Maximum"]],
            ["Oldest message age (s)", ["ApproximateAgeOfOldestMessage shop-dev-jobs Maximum"]],
            ["In flight (not visible)", ["ApproximateNumberOfMessagesNotVisible shop-dev-jobs Maximum"]],
            ["Dead-letter queue depth", ["ApproximateNumberOfMessagesVisible shop-dev-jobs-dlq Maximum"]],
            ["Processing time (ms)", ["Duration shop-dev-resize p50", "Duration shop-dev-resize p99"]],
        ]);
    });
});
