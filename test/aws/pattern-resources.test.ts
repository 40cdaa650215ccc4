import { strict as assert } from "node:assert";
import { DelayScheduler } from "../../components/aws/delay-scheduler";
import { LargeMessageBucket } from "../../components/aws/large-messages";
import { Topic } from "../../components/aws/topic";
import { runOffline, valueOf } from "../../components/testing/offline";
import { jsonInput, ofType, one } from "../helpers/resources";

const sqsArn = (name: string) => `arn:aws:sqs:eu-west-1:123456789012:${name}`;

describe("aws pattern resources", () => {
    it("DelayScheduler: a schedule group, its own standard dead-letter queue, and a role only the scheduler of this account assumes, sending only to the targets and that queue", async () => {
        const targets = [{ arn: sqsArn("shop-dev-jobs-high") }, { arn: sqsArn("shop-dev-jobs-low") }];
        const { resources, result } = await runOffline(() => new DelayScheduler("delays", { namePrefix: ["shop", "dev"], targets }));
        assert.equal(one(resources, "aws:scheduler/scheduleGroup:ScheduleGroup").inputs.name, "shop-dev-delays");
        // EventBridge Scheduler takes only a standard queue as a schedule's DLQ.
        assert.deepEqual(one(resources, "aws:sqs/queue:Queue").inputs, {
            name: "shop-dev-delays-dlq",
            messageRetentionSeconds: 1_209_600,
            sqsManagedSseEnabled: true,
            redriveAllowPolicy: '{"redrivePermission":"denyAll"}',
            tags: { "queuestack:role": "delay-scheduler" },
        });
        assert.deepEqual(jsonInput(one(resources, "aws:sqs/queuePolicy:QueuePolicy"), "policy").Statement.map((s: { Sid: string; Effect: string }) => [s.Sid, s.Effect]), [["DenyInsecureTransport", "Deny"]]);
        const role = one(resources, "aws:iam/role:Role");
        assert.equal(role.inputs.name, "shop-dev-eu-west-1-delays", "IAM is account-global: the role name carries the region");
        assert.deepEqual(jsonInput(role, "assumeRolePolicy").Statement, [
            { Effect: "Allow", Principal: { Service: "scheduler.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } } },
        ]);
        const deadLetterArn = await valueOf(result.deadLetterArn);
        assert.deepEqual(jsonInput(one(resources, "aws:iam/rolePolicy:RolePolicy"), "policy").Statement, [
            { Sid: "SendDueMessages", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: targets.map((t) => t.arn) },
            { Sid: "SendDeadLetterEvents", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: deadLetterArn },
        ]);
        assert.ok(!JSON.stringify(jsonInput(one(resources, "aws:iam/rolePolicy:RolePolicy"), "policy")).includes("jobs-high-dlq"), "no work queue's DLQ");
        assert.equal(ofType(resources, "aws:scheduler/schedule:Schedule").length, 0, "schedules are made per message at run time, none at deploy time");
        assert.equal(await valueOf(result.schedulesArn), "arn:aws:scheduler:eu-west-1:123456789012:schedule/shop-dev-delays/*");
        assert.equal(await valueOf(result.roleArn), "arn:aws:iam::123456789012:role/shop-dev-eu-west-1-delays");
    });

    it("LargeMessageBucket: private, encrypted, TLS-only, declared a claim-check store, expiring bodies", async () => {
        const { resources, result } = await runOffline(() => new LargeMessageBucket("messages", { namePrefix: ["shop", "dev"], expireDays: 19 }));
        // Offline, the bucket's ARN names the same bucket its name output does (as on AWS).
        assert.equal(await valueOf(result.bucketName), "messages-bucket-bucket");
        assert.equal(await valueOf(result.bucketArn), "arn:aws:s3:::messages-bucket-bucket");
        const bucket = one(resources, "aws:s3/bucket:Bucket");
        assert.equal((bucket.inputs.tags as Record<string, string>)["queuestack-claim-check"], "true");
        assert.deepEqual(
            (({ blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets }) => ({ blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets }))(one(resources, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs),
            { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
        );
        assert.deepEqual(one(resources, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs.rules, [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
        const [tls] = jsonInput(one(resources, "aws:s3/bucketPolicy:BucketPolicy"), "policy").Statement;
        assert.deepEqual(tls, {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: { AWS: "*" },
            Action: ["s3:*"],
            Resource: ["arn:aws:s3:::messages-bucket-bucket", "arn:aws:s3:::messages-bucket-bucket/*"],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        });
        assert.deepEqual(one(resources, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules, [
            { id: "expire-bodies", status: "Enabled", filter: {}, expiration: { days: 19 } },
            { id: "abort-incomplete-uploads", status: "Enabled", filter: {}, abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } },
        ]);
    });

    it("Topic: an encrypted SNS topic, FIFO with content deduplication for FIFO subscribers", async () => {
        const fifo = await runOffline(() => new Topic("events", { namePrefix: ["shop", "dev"], topic: { name: "order-events", subscribers: ["orders"] }, fifo: true }));
        const topic = one(fifo.resources, "aws:sns/topic:Topic");
        assert.deepEqual([topic.inputs.name, topic.inputs.fifoTopic, topic.inputs.contentBasedDeduplication, topic.inputs.kmsMasterKeyId], ["shop-dev-order-events.fifo", true, true, "alias/aws/sns"]);
        assert.equal(await valueOf(fifo.result.arn), "arn:aws:sns:eu-west-1:123456789012:shop-dev-order-events.fifo");
        const plain = one((await runOffline(() => new Topic("events", { namePrefix: ["shop", "dev"], topic: { name: "audit", subscribers: ["jobs"] } }))).resources, "aws:sns/topic:Topic");
        assert.deepEqual([plain.inputs.name, plain.inputs.fifoTopic, plain.inputs.contentBasedDeduplication], ["shop-dev-audit", undefined, undefined]);
        assert.equal(ofType(fifo.resources, "aws:sns/topicSubscription:TopicSubscription").length, 0, "subscriber queues subscribe themselves");
    });
});
