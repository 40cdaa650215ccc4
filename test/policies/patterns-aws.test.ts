import * as assert from "node:assert/strict";
import { awsSnsTopicSubscriptionRequireRawMessageDelivery as rawDelivery } from "../../policies/aws/aws-sns-topic-subscription-require-raw-message-delivery";
import { awsSqsQueuePolicyRequireSourceArn as sourceArn } from "../../policies/aws/aws-sqs-queue-policy-require-source-arn";
import { awsS3BucketRequireObjectExpiration as s3Expiration } from "../../policies/stack/aws-s3-bucket-require-object-expiration";
import { awsS3BucketRequirePublicAccessBlock as s3PublicBlock } from "../../policies/stack/aws-s3-bucket-require-public-access-block";
import { awsSchedulerRoleLimitToSqsSendMessage as schedulerRole } from "../../policies/stack/aws-scheduler-role-limit-to-sqs-send-message";
import { awsSnsTopicSubscriptionRequireDeadLetterQueue as snsDeadLetter } from "../../policies/stack/aws-sns-topic-subscription-require-dead-letter-queue";
import { checkResource, checkStack, stackResource, withChange, without } from "./helpers";

const arn = (service: string, name: string) => `arn:aws:${service}:eu-west-1:123456789012:${name}`;
const topicArn = arn("sns", "shop-order-events");
const queueArn = arn("sqs", "shop-emails");
const dlqArn = arn("sqs", "shop-emails-dlq");
const document = (...Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const snsMaySend = (resource: string, condition: object | null = { ArnEquals: { "aws:SourceArn": topicArn } }) =>
    ({ Sid: "sns", Effect: "Allow", Principal: { Service: "sns.amazonaws.com" }, Action: "sqs:SendMessage", Resource: resource, ...(condition ? { Condition: condition } : {}) });

/** A fan-out into one queue: topic, subscription with raw delivery and redrive, both queue policies scoped to the topic. */
function fanOut() {
    return [
        stackResource("aws:sns/topic:Topic", "order-events", { name: "shop-order-events", arn: topicArn }),
        stackResource("aws:sqs/queue:Queue", "emails-dlq", { name: "shop-emails-dlq", arn: dlqArn, url: "https://sqs/shop-emails-dlq" }),
        stackResource("aws:sqs/queue:Queue", "emails", { name: "shop-emails", arn: queueArn, url: "https://sqs/shop-emails", redrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 5 }) }),
        stackResource("aws:sqs/queuePolicy:QueuePolicy", "emails-from-topic", { queueUrl: "https://sqs/shop-emails", policy: document(snsMaySend(queueArn)) }),
        stackResource("aws:sqs/queuePolicy:QueuePolicy", "emails-dlq-from-topic", { queueUrl: "https://sqs/shop-emails-dlq", policy: document(snsMaySend(dlqArn)) }),
        stackResource("aws:sns/topicSubscription:TopicSubscription", "order-events-emails", {
            topic: topicArn,
            protocol: "sqs",
            endpoint: queueArn,
            rawMessageDelivery: true,
            redrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn }),
        }),
    ];
}

/** A claim-check bucket with lifecycle expiry and every public access block. */
function claimCheckBucket() {
    return [
        stackResource("aws:s3/bucket:Bucket", "bodies", { bucket: "shop-bodies-1a2b", id: "shop-bodies-1a2b", tags: { "queuestack-claim-check": "true" } }),
        stackResource("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "bodies-expiry", {
            bucket: "shop-bodies-1a2b",
            rules: [{ id: "expire-bodies", status: "Enabled", filter: {}, expiration: { days: 19 } }],
        }),
        stackResource("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "bodies-private", {
            bucket: "shop-bodies-1a2b",
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        }),
    ];
}

const trustScheduler = document({ Effect: "Allow", Principal: { Service: "scheduler.amazonaws.com" }, Action: "sts:AssumeRole" });
/** The scheduler role for long delays, allowed sqs:SendMessage on two level queues. */
function schedulerStack() {
    return [
        stackResource("aws:iam/role:Role", "delays-role", { name: "shop-delays", id: "shop-delays", arn: "arn:aws:iam::123456789012:role/shop-delays", assumeRolePolicy: trustScheduler }),
        stackResource("aws:iam/rolePolicy:RolePolicy", "delays-send", {
            role: "shop-delays",
            policy: document({ Effect: "Allow", Action: ["sqs:SendMessage"], Resource: [arn("sqs", "shop-orders-high"), arn("sqs", "shop-orders-low")] }),
        }),
        stackResource("aws:iam/role:Role", "worker-role", {
            name: "worker",
            arn: "arn:aws:iam::123456789012:role/worker",
            assumeRolePolicy: document({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }),
            managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"],
        }),
    ];
}

describe("policies for the queue patterns (aws)", () => {
    describe("aws-sns-topic-subscription-require-raw-message-delivery", () => {
        const subscription = fanOut().find((r) => r.name === "order-events-emails")!.inputs;
        it("accepts an SQS subscription with raw delivery", async () => {
            assert.deepEqual(await checkResource(rawDelivery, "aws:sns/topicSubscription:TopicSubscription", subscription), { violations: [] });
        });
        it("reports one without it, naming the queue", async () => {
            for (const rawMessageDelivery of [false, undefined]) {
                assert.deepEqual((await checkResource(rawDelivery, "aws:sns/topicSubscription:TopicSubscription", { ...subscription, rawMessageDelivery }, { name: "order-events-emails" })).violations, [
                    `SNS subscription "order-events-emails" wraps every message in the SNS JSON envelope before it reaches queue ${queueArn}. Set rawMessageDelivery: true.`,
                ]);
            }
        });
        it("does not apply to other protocols", async () => {
            assert.equal((await checkResource(rawDelivery, "aws:sns/topicSubscription:TopicSubscription", { ...subscription, protocol: "email", rawMessageDelivery: false })).notApplicable, "Not an SQS subscription");
        });
    });

    describe("aws-sqs-queue-policy-require-source-arn", () => {
        const type = "aws:sqs/queuePolicy:QueuePolicy";
        it("accepts a service grant scoped to one topic, inline or as a QueuePolicy", async () => {
            assert.deepEqual(await checkResource(sourceArn, type, { queueUrl: "u", policy: document(snsMaySend(queueArn)) }), { violations: [] });
            assert.deepEqual(await checkResource(sourceArn, "aws:sqs/queue:Queue", { name: "q", policy: document(snsMaySend(queueArn, { ArnLike: { "aws:SourceArn": topicArn } })) }), { violations: [] });
        });
        it("reports a grant to SNS without aws:SourceArn, or with a wildcard one", async () => {
            assert.deepEqual((await checkResource(sourceArn, type, { queueUrl: "u", policy: document(snsMaySend(queueArn, null)) }, { name: "emails-from-topic" })).violations, [
                'SQS queue policy "emails-from-topic" lets sns.amazonaws.com send from any source (statement "sns" has no aws:SourceArn condition). Add "Condition": {"ArnEquals": {"aws:SourceArn": <the topic or rule ARN>}} to it.',
            ]);
            const wildcard = snsMaySend(queueArn, { ArnLike: { "aws:SourceArn": arn("sns", "*") } });
            assert.deepEqual((await checkResource(sourceArn, type, { queueUrl: "u", policy: document({ ...wildcard, Sid: undefined }) }, { name: "p" })).violations, [
                'SQS queue policy "p" lets sns.amazonaws.com send from any source (a statement has aws:SourceArn arn:aws:sns:eu-west-1:123456789012:*). Add "Condition": {"ArnEquals": {"aws:SourceArn": <the topic or rule ARN>}} to it.',
            ]);
            const anySource = snsMaySend(queueArn, { ArnLike: { "aws:SourceArn": "*" } });
            assert.deepEqual((await checkResource(sourceArn, type, { queueUrl: "u", policy: document(anySource) }, { name: "p" })).violations, [
                'SQS queue policy "p" lets sns.amazonaws.com send from any source (statement "sns" has aws:SourceArn *). Add "Condition": {"ArnEquals": {"aws:SourceArn": <the topic or rule ARN>}} to it.',
            ]);
        });
        it("does not apply to policies without a service grant (the TLS-only deny, account principals)", async () => {
            const tlsOnly = { Effect: "Deny", Principal: { AWS: "*" }, Action: "sqs:*", Resource: queueArn, Condition: { Bool: { "aws:SecureTransport": "false" } } };
            const account = { Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "sqs:*", Resource: queueArn };
            assert.deepEqual(await checkResource(sourceArn, type, { queueUrl: "u", policy: document(tlsOnly, account) }), { violations: [], notApplicable: "No statement allows an AWS service" });
            assert.equal((await checkResource(sourceArn, "aws:sqs/queue:Queue", { name: "q" })).notApplicable, "No statement allows an AWS service");
        });
    });

    describe("aws-sns-topic-subscription-require-dead-letter-queue", () => {
        it("accepts a subscription that redrives into a queue SNS may send to for its topic", async () => {
            assert.deepEqual(await checkStack(snsDeadLetter, fanOut()), { violations: [] });
        });
        it("reports a subscription without a redrive policy", async () => {
            const stack = withChange(fanOut(), "order-events-emails", (o) => ({ ...o, redrivePolicy: undefined }));
            assert.deepEqual((await checkStack(snsDeadLetter, stack)).violations, [
                `order-events-emails: SNS subscription "order-events-emails" drops messages it cannot deliver to ${queueArn}. Set redrivePolicy: {"deadLetterTargetArn": <the queue's dead-letter queue ARN>}.`,
            ]);
        });
        it("reports a dead-letter queue SNS may not send to, or only for another topic", async () => {
            const expected = [
                `order-events-emails: SNS subscription "order-events-emails" dead-letters into SQS queue "emails-dlq", whose policy does not let SNS send for topic ${topicArn}, so the redrive fails too. ` +
                    `Add an aws.sqs.QueuePolicy statement: {"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage", "Resource": "${dlqArn}", "Condition": {"ArnEquals": {"aws:SourceArn": "${topicArn}"}}}.`,
            ];
            assert.deepEqual((await checkStack(snsDeadLetter, without(fanOut(), "emails-dlq-from-topic"))).violations, expected);
            const otherTopic = withChange(fanOut(), "emails-dlq-from-topic", (o) => ({ ...o, policy: document(snsMaySend(dlqArn, { ArnEquals: { "aws:SourceArn": arn("sns", "other") } })) }));
            assert.deepEqual((await checkStack(snsDeadLetter, otherTopic)).violations, expected);
        });
        it("does not apply without SNS subscriptions to SQS", async () => {
            const stack = withChange(fanOut(), "order-events-emails", (o) => ({ ...o, protocol: "https", endpoint: "https://hooks.example.com" }));
            assert.equal((await checkStack(snsDeadLetter, stack)).notApplicable, "No SNS subscriptions to SQS queues");
        });
    });

    describe("aws-s3-bucket-require-object-expiration", () => {
        it("accepts a lifecycle configuration or an inline rule that expires objects", async () => {
            assert.deepEqual(await checkStack(s3Expiration, claimCheckBucket()), { violations: [] });
            const inline = withChange(without(claimCheckBucket(), "bodies-expiry"), "bodies", (o) => ({ ...o, lifecycleRules: [{ enabled: true, expiration: { days: 19 } }] }));
            assert.deepEqual(await checkStack(s3Expiration, inline), { violations: [] });
        });
        it("reports a claim-check bucket without expiry, or with a disabled rule", async () => {
            const expected = [
                'bodies: S3 bucket "bodies" keeps claim-checked message bodies for ever. Add an aws.s3.BucketLifecycleConfiguration with rules: [{ id: "expire-bodies", status: "Enabled", filter: {}, expiration: { days: <longer than queue + dead-letter retention> } }].',
            ];
            assert.deepEqual((await checkStack(s3Expiration, without(claimCheckBucket(), "bodies-expiry"))).violations, expected);
            const disabled = withChange(claimCheckBucket(), "bodies-expiry", (o) => ({ ...o, rules: [{ ...o.rules[0], status: "Disabled" }] }));
            assert.deepEqual((await checkStack(s3Expiration, disabled)).violations, expected);
        });
        it("does not apply to buckets that are not claim-check stores", async () => {
            const untagged = withChange(without(claimCheckBucket(), "bodies-expiry"), "bodies", (o) => ({ ...o, tags: { team: "web" } }));
            assert.equal((await checkStack(s3Expiration, untagged)).notApplicable, 'No claim-check S3 buckets (claim-check stores carry the tag or label queuestack-claim-check: "true")');
        });
    });

    describe("aws-s3-bucket-require-public-access-block", () => {
        it("accepts a claim-check bucket with all four blocks", async () => {
            assert.deepEqual(await checkStack(s3PublicBlock, claimCheckBucket()), { violations: [] });
        });
        it("reports a missing block, or blocks left off", async () => {
            const fix = "Add an aws.s3.BucketPublicAccessBlock for it with blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true.";
            assert.deepEqual((await checkStack(s3PublicBlock, without(claimCheckBucket(), "bodies-private"))).violations, [`bodies: S3 bucket "bodies" holds message bodies but has no public access block. ${fix}`]);
            const partial = withChange(claimCheckBucket(), "bodies-private", (o) => ({ ...o, blockPublicPolicy: false, restrictPublicBuckets: undefined }));
            assert.deepEqual((await checkStack(s3PublicBlock, partial)).violations, [`bodies: S3 bucket "bodies" holds message bodies but its public access block leaves blockPublicPolicy, restrictPublicBuckets off. ${fix}`]);
        });
    });

    describe("aws-scheduler-role-limit-to-sqs-send-message", () => {
        const fix = 'Grant only {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": [<queue ARNs>]} (plus kms:GenerateDataKey and kms:Decrypt on the queue\'s key ARN if it uses a customer managed key).';
        it("accepts a scheduler role that may only send to named queues (other roles are not its business)", async () => {
            assert.deepEqual(await checkStack(schedulerRole, schedulerStack()), { violations: [] });
        });
        it("reports wildcard actions and resources, extra actions, NotAction and managed policies", async () => {
            const broad = withChange(schedulerStack(), "delays-send", (o) => ({
                ...o,
                policy: document(
                    { Effect: "Allow", Action: ["sqs:*", "sqs:SendMessage"], Resource: arn("sqs", "shop-*") },
                    { Effect: "Allow", Action: "sqs:DeleteMessage", Resource: arn("sqs", "shop-orders-low") },
                    { Effect: "Allow", NotAction: "iam:*", Resource: "*" },
                ),
            }));
            const managed = withChange(broad, "delays-role", (o) => ({ ...o, managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonSQSFullAccess"] }));
            assert.deepEqual((await checkStack(schedulerRole, managed)).violations, [
                `delays-role: IAM role "delays-role" (assumed by EventBridge Scheduler) allows more than sqs:SendMessage on named queues: managed policy arn:aws:iam::aws:policy/AmazonSQSFullAccess; action sqs:*; resource ${arn("sqs", "shop-*")}; action sqs:DeleteMessage; NotAction (every other action); resource *. ${fix}`,
            ]);
        });
        it("does not apply when no role trusts EventBridge Scheduler", async () => {
            assert.equal((await checkStack(schedulerRole, without(schedulerStack(), "delays-role", "delays-send"))).notApplicable, "No role trusts EventBridge Scheduler");
        });
    });
});
