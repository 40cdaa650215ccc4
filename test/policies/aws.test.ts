import * as assert from "node:assert/strict";
import { awsLambdaEventSourceMappingRequirePartialBatchFailures as partialBatch } from "../../policies/aws/aws-lambda-event-source-mapping-require-partial-batch-failures";
import { awsSqsQueueLimitMaxReceiveCount as maxReceive } from "../../policies/aws/aws-sqs-queue-limit-max-receive-count";
import { awsSqsQueueLimitMessageRetention as retention } from "../../policies/aws/aws-sqs-queue-limit-message-retention";
import { awsSqsQueueRequireEncryptionAtRest as encryption } from "../../policies/aws/aws-sqs-queue-require-encryption-at-rest";
import { awsSqsQueueRequireFifoDeadLetterQueue as fifoDlq } from "../../policies/aws/aws-sqs-queue-require-fifo-dead-letter-queue";
import { checkResource } from "./helpers";

const queueType = "aws:sqs/queue:Queue";
const redriveType = "aws:sqs/redrivePolicy:RedrivePolicy";
const redrive = (maxReceiveCount: unknown, target = "arn:aws:sqs:eu-west-1:123456789012:orders-dlq") =>
    JSON.stringify({ deadLetterTargetArn: target, maxReceiveCount });

/** A queue every AWS resource policy accepts. */
const queue = {
    name: "orders",
    messageRetentionSeconds: 345_600,
    visibilityTimeoutSeconds: 180,
    sqsManagedSseEnabled: true,
    redrivePolicy: redrive(5),
};
const fifoQueue = { ...queue, name: "orders.fifo", fifoQueue: true, contentBasedDeduplication: true, redrivePolicy: redrive(5, "arn:aws:sqs:eu-west-1:123456789012:orders-dlq.fifo") };

describe("policies/aws", () => {
    describe("aws-sqs-queue-limit-max-receive-count", () => {
        it("accepts 3 to 10 receives, inline or on an aws.sqs.RedrivePolicy", async () => {
            for (const count of [3, 5, 10]) assert.deepEqual(await checkResource(maxReceive, queueType, { ...queue, redrivePolicy: redrive(count) }, { name: "orders" }), { violations: [] });
            assert.deepEqual(await checkResource(maxReceive, redriveType, { queueUrl: "https://sqs/orders", redrivePolicy: redrive(5) }), { violations: [] });
        });
        it("reports counts outside the range, with the fix", async () => {
            assert.deepEqual((await checkResource(maxReceive, queueType, { ...queue, redrivePolicy: redrive(1) }, { name: "orders" })).violations, [
                'SQS queue "orders" dead-letters a message after 1 receives; allowed: 3 to 10. Set maxReceiveCount in its redrivePolicy between 3 and 10.',
            ]);
            assert.deepEqual((await checkResource(maxReceive, redriveType, { queueUrl: "u", redrivePolicy: redrive(50) }, { name: "orders-redrive" })).violations, [
                'SQS queue "orders-redrive" dead-letters a message after 50 receives; allowed: 3 to 10. Set maxReceiveCount in its redrivePolicy between 3 and 10.',
            ]);
        });
        it("reports a redrive policy without maxReceiveCount", async () => {
            const props = { ...queue, redrivePolicy: JSON.stringify({ deadLetterTargetArn: "arn:aws:sqs:eu-west-1:1:dlq" }) };
            assert.deepEqual((await checkResource(maxReceive, queueType, props, { name: "orders" })).violations, [
                'SQS queue "orders" has a redrive policy without maxReceiveCount. Add "maxReceiveCount" between 3 and 10 to its redrivePolicy.',
            ]);
        });
        it("reads the range from the policy config", async () => {
            const config = { "aws-sqs-queue-limit-max-receive-count": { minimumDeliveryAttempts: 1, maximumDeliveryAttempts: 20 } };
            assert.deepEqual(await checkResource(maxReceive, queueType, { ...queue, redrivePolicy: redrive(15) }, { config }), { violations: [] });
            assert.equal((await checkResource(maxReceive, queueType, { ...queue, redrivePolicy: redrive(21) }, { config, name: "q" })).violations[0],
                'SQS queue "q" dead-letters a message after 21 receives; allowed: 1 to 20. Set maxReceiveCount in its redrivePolicy between 1 and 20.');
        });
        it("does not apply to queues without a redrive policy or to other types", async () => {
            assert.deepEqual(await checkResource(maxReceive, queueType, { name: "dlq" }), { violations: [], notApplicable: "No readable redrive policy" });
            assert.deepEqual(await checkResource(maxReceive, "aws:sns/topic:Topic", queue), {
                violations: [],
                notApplicable: "Policy only applies to resources of type 'aws:sqs/queue:Queue' or 'aws:sqs/redrivePolicy:RedrivePolicy'",
            });
        });
    });

    describe("aws-sqs-queue-limit-message-retention", () => {
        it("accepts 1 to 14 days and the SQS default (4 days) when unset", async () => {
            for (const seconds of [86_400, 345_600, 1_209_600]) assert.deepEqual(await checkResource(retention, queueType, { ...queue, messageRetentionSeconds: seconds }), { violations: [] });
            const { messageRetentionSeconds: _unset, ...defaulted } = queue;
            assert.deepEqual(await checkResource(retention, queueType, defaulted), { violations: [] });
        });
        it("reports a retention below the minimum, with the fix", async () => {
            assert.deepEqual((await checkResource(retention, queueType, { ...queue, messageRetentionSeconds: 43_200 }, { name: "orders" })).violations, [
                'SQS queue "orders" keeps messages for 12 hours; allowed: 1 to 14 days. Set messageRetentionSeconds between 86400 and 1209600.',
            ]);
        });
        it("reads the bounds from the policy config", async () => {
            const config = { "aws-sqs-queue-limit-message-retention": { minimumRetentionDays: 7 } };
            assert.deepEqual((await checkResource(retention, queueType, queue, { config, name: "orders" })).violations, [
                'SQS queue "orders" keeps messages for 4 days; allowed: 7 to 14 days. Set messageRetentionSeconds between 604800 and 1209600.',
            ]);
        });
        it("does not apply to other types", async () => {
            assert.equal((await checkResource(retention, redriveType, queue)).notApplicable, "Policy only applies to resources of type 'aws:sqs/queue:Queue'");
        });
    });

    describe("aws-sqs-queue-require-fifo-dead-letter-queue", () => {
        it("accepts a FIFO dead-letter queue, inline or on an aws.sqs.RedrivePolicy", async () => {
            assert.deepEqual(await checkResource(fifoDlq, queueType, fifoQueue), { violations: [] });
            assert.deepEqual(await checkResource(fifoDlq, redriveType, { queueUrl: "https://sqs/1/orders.fifo", redrivePolicy: fifoQueue.redrivePolicy }), { violations: [] });
        });
        it("reports a standard dead-letter queue behind a FIFO queue", async () => {
            const expected = 'FIFO SQS queue "orders" dead-letters into standard queue "orders-dlq". Point deadLetterTargetArn at a FIFO queue (fifoQueue: true, name ending in ".fifo").';
            assert.deepEqual((await checkResource(fifoDlq, queueType, { ...fifoQueue, redrivePolicy: redrive(5) }, { name: "orders" })).violations, [expected]);
            assert.deepEqual((await checkResource(fifoDlq, redriveType, { queueUrl: "https://sqs/1/orders.fifo", redrivePolicy: redrive(5) }, { name: "orders" })).violations, [expected]);
        });
        it("does not apply to standard queues, FIFO queues without redrive, or other types", async () => {
            assert.equal((await checkResource(fifoDlq, queueType, queue)).notApplicable, "Not a FIFO queue");
            assert.equal((await checkResource(fifoDlq, queueType, { fifoQueue: true })).notApplicable, "No dead-letter target");
            assert.equal((await checkResource(fifoDlq, "aws:sns/topic:Topic", fifoQueue)).notApplicable, "Policy only applies to resources of type 'aws:sqs/queue:Queue' or 'aws:sqs/redrivePolicy:RedrivePolicy'");
        });
    });

    describe("aws-sqs-queue-require-encryption-at-rest", () => {
        it("accepts SQS-managed SSE (set or default) and KMS keys", async () => {
            for (const props of [queue, { name: "x" }, { ...queue, sqsManagedSseEnabled: false, kmsMasterKeyId: "alias/aws/sqs" }]) {
                assert.deepEqual(await checkResource(encryption, queueType, props), { violations: [] });
            }
        });
        it("reports a queue that opts out of encryption", async () => {
            assert.deepEqual((await checkResource(encryption, queueType, { ...queue, sqsManagedSseEnabled: false }, { name: "orders" })).violations, [
                'SQS queue "orders" stores messages unencrypted (sqsManagedSseEnabled: false, no kmsMasterKeyId). Remove sqsManagedSseEnabled: false, or set kmsMasterKeyId.',
            ]);
        });
        it("does not apply to other types", async () => {
            assert.equal((await checkResource(encryption, "aws:sns/topic:Topic", {})).notApplicable, "Policy only applies to resources of type 'aws:sqs/queue:Queue'");
        });
    });

    describe("aws-lambda-event-source-mapping-require-partial-batch-failures", () => {
        const esmType = "aws:lambda/eventSourceMapping:EventSourceMapping";
        const mapping = { eventSourceArn: "arn:aws:sqs:eu-west-1:123456789012:orders", functionName: "worker", functionResponseTypes: ["ReportBatchItemFailures"] };
        it("accepts an SQS mapping that reports batch item failures", async () => {
            assert.deepEqual(await checkResource(partialBatch, esmType, mapping), { violations: [] });
        });
        it("reports an SQS mapping without it", async () => {
            const expected = 'Lambda event source mapping "worker-source" retries whole SQS batches. Set functionResponseTypes: ["ReportBatchItemFailures"] and return batchItemFailures from the handler.';
            for (const functionResponseTypes of [undefined, []]) {
                assert.deepEqual((await checkResource(partialBatch, esmType, { ...mapping, functionResponseTypes }, { name: "worker-source" })).violations, [expected]);
            }
        });
        it("does not apply to other event sources or types", async () => {
            assert.equal((await checkResource(partialBatch, esmType, { ...mapping, eventSourceArn: "arn:aws:kinesis:eu-west-1:1:stream/s", functionResponseTypes: [] })).notApplicable, "Not an SQS event source");
            assert.equal((await checkResource(partialBatch, queueType, mapping)).notApplicable, "Policy only applies to resources of type 'aws:lambda/eventSourceMapping:EventSourceMapping'");
        });
    });
});
