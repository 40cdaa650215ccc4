import * as assert from "node:assert/strict";
import { awsSqsConsumerRequireIdempotencyStore as idempotency } from "../../policies/stack/aws-sqs-consumer-require-idempotency-store";
import { awsSqsDeadLetterQueueRequireDepthAlarm as depthAlarm } from "../../policies/stack/aws-sqs-dead-letter-queue-require-depth-alarm";
import { awsSqsDeadLetterQueueRequireLongerRetention as longerRetention } from "../../policies/stack/aws-sqs-dead-letter-queue-require-longer-retention";
import { awsSqsQueueRequireBacklogAgeAlarm as backlogAlarm } from "../../policies/stack/aws-sqs-queue-require-backlog-age-alarm";
import { awsSqsQueueRequireDeadLetterQueue as requireDlq } from "../../policies/stack/aws-sqs-queue-require-dead-letter-queue";
import { awsSqsQueueRequireFifoDeduplication as fifoDedup } from "../../policies/stack/aws-sqs-queue-require-fifo-deduplication";
import { awsSqsQueueRequireTlsOnlyAccess as tlsOnlyAccess } from "../../policies/stack/aws-sqs-queue-require-tls-only-access";
import { awsSqsQueueRequireVisibilityTimeoutAboveWorkerTimeout as visibility } from "../../policies/stack/aws-sqs-queue-require-visibility-timeout-above-worker-timeout";
import { autoScalingWorker, compliantAwsStack, fifoPair, tableArn } from "./fixtures-aws";
import { checkStack, stackResource, withChange, without } from "./helpers";

const stack = compliantAwsStack();
const pubsubOnly = [stackResource("gcp:pubsub/topic:Topic", "t", { name: "t" })];
const allAwsStackPolicies = [requireDlq, longerRetention, fifoDedup, visibility, depthAlarm, backlogAlarm, idempotency, tlsOnlyAccess];

describe("policies/stack (aws)", () => {
    it("a compliant hand-written stack passes every AWS stack policy", async () => {
        for (const policy of allAwsStackPolicies.filter((p) => p !== fifoDedup)) assert.deepEqual(await checkStack(policy, stack), { violations: [] }, policy.name);
        for (const policy of allAwsStackPolicies) assert.deepEqual(await checkStack(policy, [...stack, ...autoScalingWorker(), ...fifoPair()]), { violations: [] }, policy.name);
    });

    it("no AWS stack policy applies to a stack without SQS", async () => {
        for (const policy of allAwsStackPolicies) assert.equal((await checkStack(policy, pubsubOnly)).notApplicable !== undefined, true, policy.name);
    });

    describe("aws-sqs-queue-require-dead-letter-queue", () => {
        it("reports a work queue without a redrive policy (its former DLQ then counts as a work queue too)", async () => {
            assert.deepEqual((await checkStack(requireDlq, withChange(stack, "orders", (o) => ({ ...o, redrivePolicy: undefined })))).violations, [
                'orders-dlq: SQS queue "orders-dlq" has no dead-letter queue: a failing message retries until retention deletes it. Create a dead-letter queue and set redrivePolicy: {"deadLetterTargetArn": <its arn>, "maxReceiveCount": 5}.',
                'orders: SQS queue "orders" has no dead-letter queue: a failing message retries until retention deletes it. Create a dead-letter queue and set redrivePolicy: {"deadLetterTargetArn": <its arn>, "maxReceiveCount": 5}.',
            ]);
        });
        it("accepts a redrive set through an aws.sqs.RedrivePolicy resource, and a declared dead-letter queue", async () => {
            const orders = stack.find((r) => r.name === "orders");
            const separate = [
                ...withChange(stack, "orders", (o) => ({ ...o, redrivePolicy: undefined })),
                stackResource("aws:sqs/redrivePolicy:RedrivePolicy", "orders-redrive", { queueUrl: "https://sqs/orders", redrivePolicy: orders?.outputs.redrivePolicy }),
            ];
            assert.deepEqual(await checkStack(requireDlq, separate), { violations: [] });
            const declared = [stackResource("aws:sqs/queue:Queue", "spare-dlq", { name: "spare-dlq", arn: "arn:aws:sqs:eu-west-1:1:spare-dlq", redriveAllowPolicy: '{"redrivePermission":"allowAll"}' })];
            assert.deepEqual(await checkStack(requireDlq, declared), { violations: [] });
        });
    });

    describe("aws-sqs-dead-letter-queue-require-longer-retention", () => {
        it("reports a dead-letter queue that keeps messages no longer than its source", async () => {
            assert.deepEqual((await checkStack(longerRetention, withChange(stack, "orders-dlq", (o) => ({ ...o, messageRetentionSeconds: 345_600 })))).violations, [
                'orders-dlq: Dead-letter queue "orders-dlq" keeps messages for 4 days, no longer than its source SQS queue "orders" (4 days); SQS keeps the original enqueue time, so dead-lettered messages expire unseen. Set its messageRetentionSeconds above 345600 (at most 1209600), or shorten the source\'s.',
            ]);
        });
        it("uses the SQS default (4 days) for an unset retention", async () => {
            const violations = (await checkStack(longerRetention, withChange(stack, "orders-dlq", (o) => ({ ...o, messageRetentionSeconds: undefined })))).violations;
            assert.equal(violations.length, 1);
            assert.match(violations[0], /keeps messages for 4 days, no longer than its source SQS queue "orders" \(4 days\)/);
        });
    });

    describe("aws-sqs-queue-require-fifo-deduplication", () => {
        const fifo = [...stack, ...fifoPair()];
        const expected = 'events: FIFO SQS queue "events" has contentBasedDeduplication off, so SQS refuses every send without a MessageDeduplicationId (InvalidParameterValue). If every sender sets one, tag the queue "queuestack:deduplication" = "messageId" to record it; otherwise set contentBasedDeduplication: true.';
        it("reports a FIFO work queue without deduplication, but not its dead-letter queue", async () => {
            const off = withChange(withChange(fifo, "events", (o) => ({ ...o, contentBasedDeduplication: false })), "events-dlq", (o) => ({ ...o, contentBasedDeduplication: false }));
            assert.deepEqual((await checkStack(fifoDedup, off)).violations, [expected]);
        });
        it("accepts sender deduplication ids declared by tag, and only that tag value", async () => {
            const tagged = (value: string) => withChange(fifo, "events", (o) => ({ ...o, contentBasedDeduplication: false, tags: { "queuestack:deduplication": value } }));
            assert.deepEqual(await checkStack(fifoDedup, tagged("messageId")), { violations: [] });
            assert.deepEqual((await checkStack(fifoDedup, tagged("none"))).violations, [expected]);
        });
        it("does not apply without FIFO work queues", async () => {
            assert.equal((await checkStack(fifoDedup, stack)).notApplicable, "No FIFO SQS work queues");
        });
    });

    describe("aws-sqs-queue-require-visibility-timeout-above-worker-timeout", () => {
        it("reports a visibility timeout below 6 x the function timeout", async () => {
            assert.deepEqual((await checkStack(visibility, withChange(stack, "orders", (o) => ({ ...o, visibilityTimeoutSeconds: 60 })))).violations, [
                'orders: SQS queue "orders" has a visibility timeout of 60 s, below 6 x the 30 s timeout of Lambda function "worker" that consumes it. Set visibilityTimeoutSeconds to at least 180.',
            ]);
        });
        it("uses the SQS and Lambda defaults (30 s, 3 s) and the configured multiple", async () => {
            const defaults = withChange(withChange(stack, "orders", (o) => ({ ...o, visibilityTimeoutSeconds: undefined })), "worker", (o) => ({ ...o, timeout: undefined }));
            assert.deepEqual(await checkStack(visibility, defaults), { violations: [] });
            assert.deepEqual((await checkStack(visibility, defaults, { [visibility.name]: { timeoutMultiple: 12 } })).violations, [
                'orders: SQS queue "orders" has a visibility timeout of 30 s, below 12 x the 3 s timeout of Lambda function "worker" that consumes it. Set visibilityTimeoutSeconds to at least 36.',
            ]);
        });
    });

    describe("aws-sqs-dead-letter-queue-require-depth-alarm", () => {
        it("reports a dead-letter queue without a depth alarm, or with one that notifies nobody", async () => {
            const expected = ['orders-dlq: Dead-letter queue "orders-dlq" has no depth alarm: dead-lettered messages go unnoticed until they expire. Add a CloudWatch metric alarm on AWS/SQS ApproximateNumberOfMessagesVisible, dimension QueueName = "orders-dlq", threshold > 0, with alarmActions.'];
            assert.deepEqual((await checkStack(depthAlarm, without(stack, "orders-dlq-depth"))).violations, expected);
            assert.deepEqual((await checkStack(depthAlarm, withChange(stack, "orders-dlq-depth", (o) => ({ ...o, alarmActions: [] })))).violations, expected);
            assert.deepEqual((await checkStack(depthAlarm, withChange(stack, "orders-dlq-depth", (o) => ({ ...o, metricName: "NumberOfMessagesSent" })))).violations, expected);
        });
        it("accepts an alarm on a metric query", async () => {
            const query = withChange(stack, "orders-dlq-depth", () => ({
                alarmActions: ["arn:aws:sns:eu-west-1:1:alarms"],
                metricQueries: [{ id: "m1", returnData: true, metric: { namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", dimensions: { QueueName: "orders-dlq" }, stat: "Maximum", period: 60 } }],
            }));
            assert.deepEqual(await checkStack(depthAlarm, query), { violations: [] });
        });
    });

    describe("aws-sqs-queue-require-backlog-age-alarm", () => {
        it("reports a work queue without a backlog-age alarm", async () => {
            assert.deepEqual((await checkStack(backlogAlarm, without(stack, "orders-backlog-age"))).violations, [
                'orders: SQS queue "orders" has no backlog-age alarm. Add a CloudWatch metric alarm on AWS/SQS ApproximateAgeOfOldestMessage, dimension QueueName = "orders", at your backlog SLA, with alarmActions.',
            ]);
        });
    });

    describe("aws-sqs-queue-require-tls-only-access", () => {
        const expected = 'orders: SQS queue "orders" accepts requests without TLS. Add an aws.sqs.QueuePolicy statement: {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "sqs:*", "Resource": <queue arn>, "Condition": {"Bool": {"aws:SecureTransport": "false"}}}.';
        it("reports a queue without a TLS-only policy, or whose deny does not cover plain HTTP", async () => {
            assert.deepEqual((await checkStack(tlsOnlyAccess, without(stack, "orders-tls-only"))).violations, [expected]);
            const allowOnly = withChange(stack, "orders-tls-only", (o) => ({ ...o, policy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: "sqs:*", Resource: "*" }] }) }));
            assert.deepEqual((await checkStack(tlsOnlyAccess, allowOnly)).violations, [expected]);
        });
        it("accepts the statement inline on the queue", async () => {
            const policy = stack.find((r) => r.name === "orders-tls-only")?.outputs.policy;
            const inline = withChange(without(stack, "orders-tls-only"), "orders", (o) => ({ ...o, policy }));
            assert.deepEqual(await checkStack(tlsOnlyAccess, inline), { violations: [] });
        });
    });

    describe("aws-sqs-consumer-require-idempotency-store", () => {
        const run = async (resources: typeof stack) => (await checkStack(idempotency, resources)).violations;
        const undeclared = (who: string, carrier: string) =>
            `${who.split(" ").pop()?.replace(/"/g, "")}: ${who} consumes SQS queue "orders" (at-least-once delivery) and shows no idempotency guard: no DynamoDB table with TTL in this stack that its IAM role may write (dynamodb:PutItem), and no declaration. ` +
            `Guard the handler with such a store, or declare it: ${carrier} "queuestack-idempotency" = <store name> (checked like QUEUESTACK_IDEMPOTENCY_STORE), or "external" when the store is outside this stack or the handler is idempotent by design; ` +
            `or list "${who.split(" ").pop()?.replace(/"/g, "")}" in idempotentConsumers of the aws-sqs-consumer-require-idempotency-store policy config.`;
        const noVariable = withChange(stack, "worker", (o) => ({ ...o, environment: undefined }));
        it("reports a Lambda consumer with no writable table with TTL and no declaration", async () => {
            assert.deepEqual(await run(without(noVariable, "worker-role-policy")), [undeclared('Lambda function "worker"', "tag the function")]);
            assert.deepEqual(await run(withChange(noVariable, "jobs", (o) => ({ ...o, ttl: undefined }))), [undeclared('Lambda function "worker"', "tag the function")]);
        });
        it("recognises a table with TTL the consumer may write, under any variable name, without a declaration", async () => {
            assert.deepEqual(await run(withChange(noVariable, "worker", (o) => ({ ...o, environment: { variables: { IDEMPOTENCY_TABLE: "jobs" } } }))), []);
            const updateOnly = JSON.stringify({ Statement: [{ Effect: "Allow", Action: "dynamodb:UpdateItem", Resource: tableArn }] });
            assert.deepEqual(await run(withChange(noVariable, "worker-role-policy", (o) => ({ ...o, policy: updateOnly }))), []);
        });
        it("takes a queuestack-idempotency tag naming the table, or external, or the consumer listed in the policy config", async () => {
            const unguarded = without(noVariable, "worker-role-policy");
            assert.deepEqual(await run(withChange(unguarded, "worker", (o) => ({ ...o, tags: { "queuestack-idempotency": "external" } }))), []);
            assert.deepEqual(await run(withChange(unguarded, "worker", (o) => ({ ...o, tags: { "queuestack-idempotency": "jobs" } }))), [
                `worker: Lambda function "worker" may not write its idempotency store "jobs": IAM role "worker-role" has no Allow for dynamodb:PutItem on ${tableArn}. Grant dynamodb:GetItem, PutItem, UpdateItem and DeleteItem on the table.`,
            ]);
            const config = { "aws-sqs-consumer-require-idempotency-store": { idempotentConsumers: ["worker"] } };
            assert.deepEqual(await checkStack(idempotency, unguarded, config), { violations: [] });
            assert.deepEqual((await checkStack(idempotency, unguarded, { "aws-sqs-consumer-require-idempotency-store": { idempotentConsumers: ["other"] } })).violations, [undeclared('Lambda function "worker"', "tag the function")]);
        });
        it("reports a declared store that is missing, has no TTL, or that the role may not write", async () => {
            assert.deepEqual(await run(without(stack, "jobs")), [
                'worker: Lambda function "worker" declares idempotency store "jobs", but no DynamoDB table named "jobs" is in this stack. Create it with ttl enabled, or correct QUEUESTACK_IDEMPOTENCY_STORE.',
            ]);
            assert.deepEqual(await run(withChange(stack, "jobs", (o) => ({ ...o, ttl: { enabled: false, attributeName: "expiresAt" } }))), [
                'worker: DynamoDB table "jobs", the idempotency store of Lambda function "worker", never expires its records. Set ttl: { enabled: true, attributeName: "expiresAt" }.',
            ]);
            const readOnly = JSON.stringify({ Statement: [{ Effect: "Allow", Action: "dynamodb:GetItem", Resource: tableArn }] });
            const expected = `worker: Lambda function "worker" may not write its idempotency store "jobs": IAM role "worker-role" has no Allow for dynamodb:PutItem on ${tableArn}. Grant dynamodb:GetItem, PutItem, UpdateItem and DeleteItem on the table.`;
            assert.deepEqual(await run(withChange(stack, "worker-role-policy", (o) => ({ ...o, policy: readOnly }))), [expected]);
            const otherTable = JSON.stringify({ Statement: [{ Effect: "Allow", Action: "dynamodb:*", Resource: "arn:aws:dynamodb:eu-west-1:123456789012:table/other" }] });
            assert.deepEqual(await run(withChange(stack, "worker-role-policy", (o) => ({ ...o, policy: otherTable }))), [expected]);
            assert.deepEqual(await run(without(stack, "worker-role", "worker-role-policy")), [
                'worker: Lambda function "worker" declares idempotency store "jobs", but its IAM role is not in this stack, so its write access cannot be verified. Define the role in this stack and grant it dynamodb:PutItem on the table.',
            ]);
        });
        it("accepts grants through wildcards and attached customer policies", async () => {
            const attached = [
                ...without(stack, "worker-role-policy"),
                stackResource("aws:iam/policy:Policy", "tables", { arn: "arn:aws:iam::123456789012:policy/tables", policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "dynamodb:*", Resource: "arn:aws:dynamodb:*:*:table/*" }] }) }),
                stackResource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "tables-attach", { role: "worker-role", policyArn: "arn:aws:iam::123456789012:policy/tables" }),
            ];
            assert.deepEqual(await run(attached), []);
        });
        it("follows an Auto Scaling group to its role through launch template and instance profile", async () => {
            assert.deepEqual(await run([...stack, ...autoScalingWorker()]), []);
            assert.deepEqual(await run([...stack, ...autoScalingWorker([])]), []);
            assert.deepEqual(await run([...stack, ...autoScalingWorker([{ key: "queuestack-idempotency", value: "missing" }])]), [
                'vm-group: Auto Scaling group "vm-group" declares idempotency store "missing", but no DynamoDB table named "missing" is in this stack. Create it with ttl enabled, or correct QUEUESTACK_IDEMPOTENCY_STORE.',
            ]);
            assert.deepEqual(await run(withChange([...stack, ...autoScalingWorker([])], "jobs", (o) => ({ ...o, ttl: undefined }))).then((v) => v.map((m) => m.split(":")[0])), ["worker", "vm-group"]);
            assert.deepEqual(await run([...without(stack, "worker-role-policy"), ...autoScalingWorker()]).then((v) => v.map((m) => m.split(":")[0])), ["worker", "vm-group"]);
        });
    });
});
