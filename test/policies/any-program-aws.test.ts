import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { newestRelease } from "../../components/runtimes";
import { awsLambdaEventSourceMappingLimitFifoBatchingWindow as fifoWindow } from "../../policies/aws/aws-lambda-event-source-mapping-limit-fifo-batching-window";
import { awsLambdaEventSourceMappingRequirePartialBatchFailures as partialBatch } from "../../policies/aws/aws-lambda-event-source-mapping-require-partial-batch-failures";
import { awsLambdaFunctionLimitEnvironmentSize as environmentSize } from "../../policies/aws/aws-lambda-function-limit-environment-size";
import { awsLambdaFunctionRequireSupportedRuntime as lambdaRuntime } from "../../policies/aws/aws-lambda-function-require-supported-runtime";
import { awsLambdaPermissionRequireSourceArn as permissionSource } from "../../policies/aws/aws-lambda-permission-require-source-arn";
import { awsSqsQueueRequireFifoDeadLetterQueue as fifoDlq } from "../../policies/aws/aws-sqs-queue-require-fifo-dead-letter-queue";
import { awsSqsConsumerRequireIdempotencyStore as idempotency } from "../../policies/stack/aws-sqs-consumer-require-idempotency-store";
import { awsSqsQueueLimitLambdaMaxReceiveCount as lambdaReceives } from "../../policies/stack/aws-sqs-queue-limit-lambda-max-receive-count";
import { awsSqsQueueRequireFifoDeduplication as fifoDedup } from "../../policies/stack/aws-sqs-queue-require-fifo-deduplication";
import { awsSqsQueueRequireSenderPermission as senderPermission } from "../../policies/stack/aws-sqs-queue-require-sender-permission";
import { awsSqsQueueRequireSingleQueuePolicy as singlePolicy } from "../../policies/stack/aws-sqs-queue-require-single-queue-policy";
import { violationsOf } from "./programs";

const code = new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({});") });
const trustLambda = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] });

/** A queue, its DLQ, a role and a function consuming the queue, the way the AWS guides build them. */
function consumer(options: { batchSize?: number; maxReceiveCount?: number; table?: "writable" | "read-only" | "none"; tags?: Record<string, string>; runtime?: string; fifo?: boolean; window?: number } = {}) {
    const fifo = options.fifo === true;
    const dlq = new aws.sqs.Queue("jobs-dlq", { fifoQueue: fifo || undefined, messageRetentionSeconds: 1_209_600 });
    const queue = new aws.sqs.Queue("jobs", {
        fifoQueue: fifo || undefined,
        contentBasedDeduplication: fifo || undefined,
        visibilityTimeoutSeconds: 180,
        redrivePolicy: pulumi.jsonStringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: options.maxReceiveCount ?? 5 }),
    });
    const role = new aws.iam.Role("worker-role", { assumeRolePolicy: trustLambda });
    if ((options.table ?? "writable") !== "none") {
        const table = new aws.dynamodb.Table("idempotency", { billingMode: "PAY_PER_REQUEST", hashKey: "id", attributes: [{ name: "id", type: "S" }], ttl: { enabled: true, attributeName: "expiration" } });
        const actions = options.table === "read-only" ? ["dynamodb:GetItem"] : ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"];
        new aws.iam.RolePolicy("worker-idempotency", { role: role.id, policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: actions, Resource: table.arn }] }) });
    }
    const fn = new aws.lambda.Function("worker", {
        role: role.arn,
        runtime: options.runtime ?? newestRelease("aws-lambda").id,
        handler: "index.handler",
        code,
        timeout: 30,
        environment: { variables: { IDEMPOTENCY_TABLE: "idempotency" } },
        tags: options.tags,
    });
    new aws.lambda.EventSourceMapping("worker-source", { eventSourceArn: queue.arn, functionName: fn.arn, batchSize: options.batchSize, maximumBatchingWindowInSeconds: options.window });
    return { queue, fn };
}

describe("policies on programs written without queuestack (AWS)", function () {
    this.timeout(60_000);

    describe("false alarms that blocked correct programs", () => {
        it("partial batch responses are not required with batchSize 1, and still are with the default batch size", async () => {
            assert.deepEqual(await violationsOf([partialBatch], () => consumer({ batchSize: 1 })), []);
            assert.deepEqual(await violationsOf([partialBatch], () => consumer()), [
                'mandatory aws-lambda-event-source-mapping-require-partial-batch-failures worker-source: Lambda event source mapping "worker-source" retries whole SQS batches. Set functionResponseTypes: ["ReportBatchItemFailures"] and return batchItemFailures from the handler.',
            ]);
        });

        it("a consumer with a TTL table it may write, under its own variable name, needs no queuestack variable", async () => {
            assert.deepEqual(await violationsOf([idempotency], () => consumer()), []);
        });
        it("a consumer without such a table is told how to declare its guard", async () => {
            const message =
                'mandatory aws-sqs-consumer-require-idempotency-store worker: Lambda function "worker" consumes SQS queue "jobs" (at-least-once delivery) and shows no idempotency guard: no DynamoDB table with TTL in this stack that its IAM role may write (dynamodb:PutItem), and no declaration. ' +
                'Guard the handler with such a store, or declare it: tag the function "queuestack-idempotency" = <store name> (checked like QUEUESTACK_IDEMPOTENCY_STORE), or "external" when the store is outside this stack or the handler is idempotent by design; ' +
                'or list "worker" in idempotentConsumers of the aws-sqs-consumer-require-idempotency-store policy config.';
            assert.deepEqual(await violationsOf([idempotency], () => consumer({ table: "read-only" })), [message]);
            assert.deepEqual(await violationsOf([idempotency], () => consumer({ table: "none", tags: { "queuestack-idempotency": "external" } })), []);
            assert.deepEqual(await violationsOf([idempotency], () => consumer({ table: "none" }), { "aws-sqs-consumer-require-idempotency-store": { idempotentConsumers: ["worker"] } }), []);
        });

        it("a FIFO queue whose senders set deduplication ids is not blocked; the advisory says what SQS really does", async () => {
            const program = () => new aws.sqs.Queue("orders", { fifoQueue: true });
            assert.deepEqual(await violationsOf([fifoDedup], program), [
                'advisory aws-sqs-queue-require-fifo-deduplication orders: FIFO SQS queue "orders" has contentBasedDeduplication off, so SQS refuses every send without a MessageDeduplicationId (InvalidParameterValue). If every sender sets one, tag the queue "queuestack:deduplication" = "messageId" to record it; otherwise set contentBasedDeduplication: true.',
            ]);
        });

        it("an unnamed FIFO dead-letter queue gets a .fifo ARN offline, so the FIFO DLQ rule passes", async () => {
            assert.deepEqual(await violationsOf([fifoDlq], () => consumer({ fifo: true })), []);
        });
    });

    describe("misses that reached production", () => {
        it("SNS and EventBridge deliver into a queue only when its policy lets them", async () => {
            const program = (allow: boolean) => () => {
                const queue = new aws.sqs.Queue("events");
                const topic = new aws.sns.Topic("orders");
                new aws.sns.TopicSubscription("orders-to-events", { topic: topic.arn, protocol: "sqs", endpoint: queue.arn, rawMessageDelivery: true });
                const rule = new aws.cloudwatch.EventRule("nightly", { scheduleExpression: "rate(1 day)" });
                new aws.cloudwatch.EventTarget("nightly-to-events", { rule: rule.name, arn: queue.arn });
                if (!allow) return;
                const send = (service: string, source: pulumi.Output<string>) => ({ Effect: "Allow", Principal: { Service: service }, Action: "sqs:SendMessage", Resource: queue.arn, Condition: { ArnEquals: { "aws:SourceArn": source } } });
                new aws.sqs.QueuePolicy("events-senders", { queueUrl: queue.url, policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: [send("sns.amazonaws.com", topic.arn), send("events.amazonaws.com", rule.arn)] }) });
            };
            assert.deepEqual(await violationsOf([senderPermission], program(true)), []);
            const queueArn = "arn:aws:sqs:eu-west-1:123456789012:events";
            assert.deepEqual(await violationsOf([senderPermission], program(false)), [
                `mandatory aws-sqs-queue-require-sender-permission events: SQS queue "events" is fed by SNS topic arn:aws:sns:eu-west-1:123456789012:orders (through "orders-to-events"), but no queue policy lets sns.amazonaws.com send to it, so nothing is delivered. Add an aws.sqs.QueuePolicy statement: {"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage", "Resource": "${queueArn}", "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:eu-west-1:123456789012:orders"}}}.`,
                `mandatory aws-sqs-queue-require-sender-permission events: SQS queue "events" is fed by EventBridge rule arn:aws:events:eu-west-1:123456789012:rule/nightly (through "nightly-to-events"), but no queue policy lets events.amazonaws.com send to it, so nothing is delivered. Add an aws.sqs.QueuePolicy statement: {"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sqs:SendMessage", "Resource": "${queueArn}", "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:events:eu-west-1:123456789012:rule/nightly"}}}.`,
            ]);
        });

        it("maxReceiveCount below 5 on a queue Lambda consumes", async () => {
            assert.deepEqual(await violationsOf([lambdaReceives], () => consumer()), []);
            assert.deepEqual(await violationsOf([lambdaReceives], () => consumer({ maxReceiveCount: 2 })), [
                'mandatory aws-sqs-queue-limit-lambda-max-receive-count jobs: SQS queue "jobs" dead-letters after 2 receives, but Lambda function "worker" consumes it: receives while the function is throttled count too, so healthy messages reach the dead-letter queue. Set maxReceiveCount in its redrivePolicy to at least 5.',
            ]);
        });

        it("two queue policies on one queue", async () => {
            const program = () => {
                const queue = new aws.sqs.Queue("events");
                for (const name of ["events-from-sns", "events-tls-only"]) new aws.sqs.QueuePolicy(name, { queueUrl: queue.url, policy: JSON.stringify({ Version: "2012-10-17", Statement: [] }) });
            };
            assert.deepEqual(await violationsOf([singlePolicy], program), [
                'mandatory aws-sqs-queue-require-single-queue-policy events: SQS queue "events" gets its access policy from 2 places (aws.sqs.QueuePolicy "events-from-sns", aws.sqs.QueuePolicy "events-tls-only"), but a queue holds one policy, so each deploy overwrites the others and their grants are lost. Merge every statement into one aws.sqs.QueuePolicy (or the queue\'s policy).',
            ]);
        });

        it("a Lambda permission for a service without sourceArn", async () => {
            const program = (sourceArn?: string) => () => {
                const role = new aws.iam.Role("api-role", { assumeRolePolicy: trustLambda });
                const fn = new aws.lambda.Function("api", { role: role.arn, runtime: newestRelease("aws-lambda").id, handler: "index.handler", code });
                new aws.lambda.Permission("api-invoke", { action: "lambda:InvokeFunction", function: fn.name, principal: "apigateway.amazonaws.com", sourceArn });
                new aws.lambda.Permission("api-url", { action: "lambda:InvokeFunctionUrl", function: fn.name, principal: "*", functionUrlAuthType: "NONE" });
            };
            assert.deepEqual(await violationsOf([permissionSource], program("arn:aws:execute-api:eu-west-1:123456789012:abc123/*/*")), []);
            assert.deepEqual(await violationsOf([permissionSource], program()), [
                'mandatory aws-lambda-permission-require-source-arn api-invoke: Lambda permission "api-invoke" lets apigateway.amazonaws.com invoke function api from any source (sourceArn not set), so any apigateway resource in any account may invoke it. Set sourceArn to the ARN of the topic, API (execution ARN/*/*), rule or bucket that invokes it.',
            ]);
        });

        it("what fails at deploy: a deprecated runtime, environment over 4 KB, a batching window on a FIFO source", async () => {
            assert.deepEqual(await violationsOf([lambdaRuntime, environmentSize, fifoWindow], () => consumer({ fifo: true })), []);
            assert.deepEqual(await violationsOf([lambdaRuntime], () => consumer({ runtime: "nodejs16.x" })), [
                `mandatory aws-lambda-function-require-supported-runtime worker: Lambda function "worker" sets runtime "nodejs16.x" (AWS Lambda): its support ended on 2024-06-12, and Lambda blocks creating and then updating functions on a deprecated runtime, so deploying it fails. Set runtime: "${newestRelease("aws-lambda").id}".`,
            ]);
            assert.deepEqual(await violationsOf([lambdaRuntime], () => consumer({ runtime: "nodejs12.x" })), [
                `mandatory aws-lambda-function-require-supported-runtime worker: Lambda function "worker" sets runtime "nodejs12.x" (AWS Lambda): Node.js 12 is older than every release in the runtime table (oldest: Node.js 16), and Lambda blocks creating and then updating functions on a deprecated runtime, so deploying it fails. Set runtime: "${newestRelease("aws-lambda").id}".`,
            ]);
            assert.deepEqual(await violationsOf([fifoWindow], () => consumer({ fifo: true, window: 5 })), [
                'mandatory aws-lambda-event-source-mapping-limit-fifo-batching-window worker-source: Lambda event source mapping "worker-source" sets maximumBatchingWindowInSeconds 5 on FIFO queue arn:aws:sqs:eu-west-1:123456789012:jobs.fifo, which Lambda refuses: batching windows are not supported for FIFO queues, so deploying it fails. Remove maximumBatchingWindowInSeconds (or set 0).',
            ]);
            const big = () => new aws.lambda.Function("big", { role: "arn:aws:iam::123456789012:role/r", runtime: newestRelease("aws-lambda").id, handler: "index.handler", code, environment: { variables: { CONFIG: "x".repeat(4_090), MODE: "on" } } });
            assert.deepEqual(await violationsOf([environmentSize], big), [
                'mandatory aws-lambda-function-limit-environment-size big: Lambda function "big" has 4102 bytes of environment variables (names and values), over Lambda\'s 4096-byte limit, so deploying it fails. Move large values (the largest: CONFIG, 4090 bytes) to SSM Parameter Store or Secrets Manager and read them at start-up.',
            ]);
        });
    });
});
