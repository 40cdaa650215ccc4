import { strict as assert } from "node:assert";
import { deployedRuntimes } from "../../components/runtimes";
import { FunctionWorker } from "../../components/aws/workers-function";
import { runOffline } from "../../components/testing/offline";
import { jsonInput, ofType, one } from "../helpers/resources";

const queueArn = "arn:aws:sqs:eu-west-1:123456789012:shop-dev-jobs";
const tableArn = "arn:aws:dynamodb:eu-west-1:123456789012:table/shop-dev-data";

const plan = () =>
    runOffline(() =>
        new FunctionWorker(
            "resize",
            {
                namePrefix: ["shop", "dev"],
                worker: { name: "resize", queue: "jobs", batchSize: 25, batchWindowSeconds: 2, concurrency: 40, memoryMb: 1024, idempotency: { key: "body.url", ttlHours: 6 }, environment: { LOG_LEVEL: "debug" } },
                queue: { url: "https://sqs.eu-west-1.amazonaws.com/123456789012/shop-dev-jobs", arn: queueArn, queueName: "shop-dev-jobs" },
                table: { tableName: "shop-dev-data", tableArn },
                timeoutSeconds: 45,
                visibilityTimeoutSeconds: 270,
                resultTtlDays: 7,
            },
        ),
    );

describe("aws FunctionWorker", () => {
    it("maps the queue to the Lambda with partial batch failures, batch size, window and maximum concurrency", async () => {
        const { resources } = await plan();
        const mapping = one(resources, "aws:lambda/eventSourceMapping:EventSourceMapping");
        assert.deepEqual(mapping.inputs.functionResponseTypes, ["ReportBatchItemFailures"]);
        assert.equal(mapping.inputs.eventSourceArn, queueArn);
        assert.equal(mapping.inputs.batchSize, 25);
        assert.equal(mapping.inputs.maximumBatchingWindowInSeconds, 2);
        assert.deepEqual(mapping.inputs.scalingConfig, { maximumConcurrency: 40 });
        assert.equal(mapping.parentType, "queuestack:aws:FunctionWorker");
    });

    it("runs the bundled worker with the runtime's environment and the given timeout", async () => {
        const { resources } = await plan();
        const fn = one(resources, "aws:lambda/function:Function");
        assert.equal(fn.inputs.name, "shop-dev-resize");
        assert.equal(fn.inputs.runtime, "nodejs24.x");
        assert.equal(fn.inputs.runtime, deployedRuntimes.awsLambda.id);
        assert.equal(fn.inputs.handler, "index.handler");
        assert.equal(fn.inputs.timeout, 45);
        assert.equal(fn.inputs.memorySize, 1024);
        assert.deepEqual((fn.inputs.environment as { variables: Record<string, string> }).variables, {
            LOG_LEVEL: "debug",
            QUEUESTACK_QUEUE_URL: "https://sqs.eu-west-1.amazonaws.com/123456789012/shop-dev-jobs",
            QUEUESTACK_TABLE_NAME: "shop-dev-data",
            QUEUESTACK_IDEMPOTENCY_ENABLED: "true",
            QUEUESTACK_IDEMPOTENCY_STORE: "shop-dev-data",
            QUEUESTACK_IDEMPOTENCY_KEY: "body.url",
            QUEUESTACK_IDEMPOTENCY_TTL_HOURS: "6",
            QUEUESTACK_RESULT_TTL_DAYS: "7",
            QUEUESTACK_VISIBILITY_TIMEOUT_SECONDS: "270",
            QUEUESTACK_WORKER_TIMEOUT_SECONDS: "45",
        });
        const assets = await (fn.inputs.code as { assets: Promise<Record<string, { text: Promise<string> }>> }).assets;
        assert.deepEqual(Object.keys(assets), ["index.js"]);
        const code = await assets["index.js"].text;
        assert.match(code, /ReportBatchItemFailures|batchItemFailures/, "the archive holds the bundled Lambda adapter");
    });

    it("grants only receive/delete/change visibility on its own queue, its own table and its own logs", async () => {
        const { resources } = await plan();
        const statements = jsonInput(one(resources, "aws:iam/rolePolicy:RolePolicy"), "policy").Statement;
        assert.deepEqual(statements, [
            { Sid: "OwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/shop-dev-resize:*" },
            { Sid: "ConsumeOwnQueue", Effect: "Allow", Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"], Resource: queueArn },
            { Sid: "WriteOwnTable", Effect: "Allow", Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"], Resource: tableArn },
        ]);
        assert.ok(!JSON.stringify(statements).includes('"*"'), "no wildcard resource or action");
        assert.equal(ofType(resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").length, 0, "no managed policies");
        assert.deepEqual(JSON.parse(one(resources, "aws:iam/role:Role").inputs.assumeRolePolicy as string).Statement[0].Principal, { Service: "lambda.amazonaws.com" });
    });

    it("keeps its logs in its own log group for 30 days", async () => {
        const { resources } = await plan();
        const logs = one(resources, "aws:cloudwatch/logGroup:LogGroup");
        assert.equal(logs.inputs.name, "/aws/lambda/shop-dev-resize");
        assert.equal(logs.inputs.retentionInDays, 30);
    });
});
