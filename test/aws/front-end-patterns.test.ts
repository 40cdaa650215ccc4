import { strict as assert } from "node:assert";
import { FrontEnd, frontEndTimeoutSeconds } from "../../components/aws/front-end";
import { runOffline } from "../../components/testing/offline";
import { jsonInput, ofType, one } from "../helpers/resources";
import { routingTable } from "./package-files";

const sqsArn = (name: string) => `arn:aws:sqs:eu-west-1:123456789012:${name}`;
const sqsUrl = (name: string) => `https://sqs.eu-west-1.amazonaws.com/123456789012/${name}`;
const level = (name: string) => ({ level: name, weight: 1, url: sqsUrl(`shop-dev-jobs-${name}`), arn: sqsArn(`shop-dev-jobs-${name}`), queueName: `shop-dev-jobs-${name}`, deadLetterArn: sqsArn(`shop-dev-jobs-${name}-dlq`), deadLetterName: `shop-dev-jobs-${name}-dlq` });
const queues = {
    jobs: { url: sqsUrl("shop-dev-jobs-low"), arn: sqsArn("shop-dev-jobs-low"), fifo: false, levels: [level("high"), level("low")], defaultLevel: "low", maxDelaySeconds: 86_400, maxMessageKb: 256 },
    orders: { url: sqsUrl("shop-dev-orders.fifo"), arn: sqsArn("shop-dev-orders.fifo"), fifo: true, groupKey: "body.customerId", deduplicationKey: "body.orderId", maxMessageKb: 1024 },
};
const table = { tableName: "shop-dev-data", tableArn: "arn:aws:dynamodb:eu-west-1:123456789012:table/shop-dev-data" };
const topicArn = "arn:aws:sns:eu-west-1:123456789012:shop-dev-order-events.fifo";
const delayScheduler = { groupName: "shop-dev-delays", roleArn: "arn:aws:iam::123456789012:role/shop-dev-delays", schedulesArn: "arn:aws:scheduler:eu-west-1:123456789012:schedule/shop-dev-delays/*", deadLetterArn: sqsArn("shop-dev-delays-dlq") };
const largeMessages = { bucketName: "shop-dev-messages", bucketArn: "arn:aws:s3:::shop-dev-messages" };
const plan = (maxWaitSeconds = 20) =>
    runOffline(() =>
        new FrontEnd("web", {
            namePrefix: ["shop", "dev"],
            frontEnd: { auth: "none", maxWaitSeconds, maxBodyKb: 8192 },
            queues,
            table,
            topics: { "order-events": { arn: topicArn, fifo: true } },
            delayScheduler,
            largeMessages,
        }),
    );
const variables = (resources: Awaited<ReturnType<typeof plan>>["resources"]) =>
    (one(resources, "aws:lambda/function:Function").inputs.environment as { variables: Record<string, string> }).variables;

describe("aws FrontEnd with queue patterns", () => {
    it("routes POST /topics/{topic} and may send to every level, publish to its topics, schedule delays and put bodies, and nothing more", async () => {
        const { resources } = await plan();
        assert.deepEqual(ofType(resources, "aws:apigatewayv2/route:Route").map((r) => r.inputs.routeKey).sort(), ["GET /jobs/{id}", "POST /queues/{queue}/messages", "POST /topics/{topic}"]);
        const statements = jsonInput(one(resources, "aws:iam/rolePolicy:RolePolicy"), "policy").Statement;
        assert.deepEqual(statements.slice(1), [
            { Sid: "SendToOwnQueues", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: [sqsArn("shop-dev-jobs-high"), sqsArn("shop-dev-jobs-low"), sqsArn("shop-dev-orders.fifo")] },
            { Sid: "PublishToOwnTopics", Effect: "Allow", Action: ["sns:Publish"], Resource: topicArn },
            { Sid: "CreateDelaySchedules", Effect: "Allow", Action: ["scheduler:CreateSchedule"], Resource: delayScheduler.schedulesArn },
            { Sid: "PassDelayRole", Effect: "Allow", Action: ["iam:PassRole"], Resource: delayScheduler.roleArn, Condition: { StringEquals: { "iam:PassedToService": "scheduler.amazonaws.com" } } },
            { Sid: "WriteLargeMessages", Effect: "Allow", Action: ["s3:PutObject"], Resource: "arn:aws:s3:::shop-dev-messages/*" },
            { Sid: "ReadJobStatus", Effect: "Allow", Action: ["dynamodb:GetItem"], Resource: table.tableArn },
            { Sid: "RecordAcceptedJobs", Effect: "Allow", Action: ["dynamodb:PutItem"], Resource: table.tableArn },
        ]);
        assert.ok(!JSON.stringify(statements).includes("s3:GetObject"), "the front end never reads bodies back");
    });

    it("tells the handler each queue's routing, the topics, the wait limit, the schedule group and the bucket", async () => {
        const { resources } = await plan();
        const env = variables(resources);
        const routes = await routingTable(one(resources, "aws:lambda/function:Function"));
        assert.deepEqual(routes.QUEUESTACK_QUEUES, {
            jobs: {
                url: sqsUrl("shop-dev-jobs-low"),
                fifo: false,
                levels: [
                    { level: "high", url: sqsUrl("shop-dev-jobs-high"), arn: sqsArn("shop-dev-jobs-high") },
                    { level: "low", url: sqsUrl("shop-dev-jobs-low"), arn: sqsArn("shop-dev-jobs-low") },
                ],
                defaultLevel: "low",
                maxDelaySeconds: 86_400,
                arn: sqsArn("shop-dev-jobs-low"),
                maxMessageBytes: 256 * 1024,
            },
            orders: { url: sqsUrl("shop-dev-orders.fifo"), fifo: true, groupKey: "body.customerId", deduplicationKey: "body.orderId", maxMessageBytes: 1024 * 1024 },
        });
        assert.deepEqual(routes.QUEUESTACK_TOPICS, { "order-events": { arn: topicArn, fifo: true } });
        assert.equal(env.QUEUESTACK_MAX_WAIT_SECONDS, "20");
        assert.equal(env.QUEUESTACK_SCHEDULE_GROUP, "shop-dev-delays");
        assert.equal(env.QUEUESTACK_SCHEDULER_ROLE_ARN, delayScheduler.roleArn);
        // Schedules dead-letter to their own queue, never to a work queue's DLQ (a redrive would feed Scheduler's event to workers).
        assert.equal(env.QUEUESTACK_SCHEDULER_DEAD_LETTER_ARN, sqsArn("shop-dev-delays-dlq"));
        assert.ok(!JSON.stringify(routes).includes("-dlq"), "the routing table names no dead-letter queue");
        assert.equal(env.QUEUESTACK_BLOB_BUCKET, "shop-dev-messages");
    });

    it("runs the function and the integration longer than the longest wait, within API Gateway's 30 s", async () => {
        const { resources } = await plan(20);
        assert.equal(one(resources, "aws:lambda/function:Function").inputs.timeout, 25);
        assert.equal(one(resources, "aws:apigatewayv2/integration:Integration").inputs.timeoutMilliseconds, 25_000);
        assert.deepEqual([0, 5, 6, 20, 25].map(frontEndTimeoutSeconds), [10, 10, 11, 25, 30]);
        const noWait = variables((await plan(0)).resources);
        assert.equal(noWait.QUEUESTACK_MAX_WAIT_SECONDS, undefined);
    });

    it("schedules only delays beyond SQS's 900 s: a queue delaying at most 900 s carries no ARNs for schedules", async () => {
        const short = { url: sqsUrl("shop-dev-short"), arn: sqsArn("shop-dev-short"), fifo: false, maxDelaySeconds: 900 };
        const { resources } = await runOffline(() => new FrontEnd("web", { namePrefix: ["shop", "dev"], frontEnd: { auth: "none" }, queues: { short }, table }));
        assert.deepEqual((await routingTable(one(resources, "aws:lambda/function:Function"))).QUEUESTACK_QUEUES, { short: { url: sqsUrl("shop-dev-short"), fifo: false, maxDelaySeconds: 900 } });
    });

    it("sets no pattern variable, route or permission for a stack without the patterns", async () => {
        const { resources } = await runOffline(() => new FrontEnd("web", { namePrefix: ["shop", "dev"], frontEnd: { auth: "none" }, queues: { plain: { url: sqsUrl("shop-dev-plain"), arn: sqsArn("shop-dev-plain"), fifo: false } }, table }));
        assert.deepEqual(Object.keys(variables(resources)).sort(), ["QUEUESTACK_AUTH", "QUEUESTACK_MAX_BODY_BYTES", "QUEUESTACK_ROUTES_FILE", "QUEUESTACK_TABLE_NAME"]);
        assert.deepEqual(await routingTable(one(resources, "aws:lambda/function:Function")), { QUEUESTACK_QUEUES: { plain: { url: sqsUrl("shop-dev-plain"), fifo: false } } });
        assert.equal(ofType(resources, "aws:apigatewayv2/route:Route").filter((r) => r.inputs.routeKey === "POST /topics/{topic}").length, 0);
        const actions = jsonInput(one(resources, "aws:iam/rolePolicy:RolePolicy"), "policy").Statement.flatMap((s: { Action: string[] }) => s.Action);
        for (const absent of ["sns:Publish", "scheduler:CreateSchedule", "iam:PassRole", "s3:PutObject"]) assert.ok(!actions.includes(absent), `${absent} must be absent`);
        assert.equal(one(resources, "aws:lambda/function:Function").inputs.timeout, 10);
    });
});
