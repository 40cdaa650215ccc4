import { strict as assert } from "node:assert";
import { FunctionWorker } from "../../components/aws/workers-function";
import { VmWorker } from "../../components/aws/workers-vm";
import { runOffline } from "../../components/testing/offline";
import { jsonInput, ofType, one } from "../helpers/resources";

const sqsArn = (name: string) => `arn:aws:sqs:eu-west-1:123456789012:${name}`;
const sqsUrl = (name: string) => `https://sqs.eu-west-1.amazonaws.com/123456789012/${name}`;
const level = (name: string, weight: number) => ({
    level: name,
    weight,
    url: sqsUrl(`shop-dev-jobs-${name}`),
    arn: sqsArn(`shop-dev-jobs-${name}`),
    queueName: `shop-dev-jobs-${name}`,
    deadLetterArn: sqsArn(`shop-dev-jobs-${name}-dlq`),
    deadLetterName: `shop-dev-jobs-${name}-dlq`,
});
const levels = [level("high", 3), level("normal", 1), level("low", 1)];
const queue = { url: sqsUrl("shop-dev-jobs-low"), arn: sqsArn("shop-dev-jobs-low"), queueName: "shop-dev-jobs-low", levels, promoteAfterSeconds: 120 };
const table = { tableName: "shop-dev-data", tableArn: "arn:aws:dynamodb:eu-west-1:123456789012:table/shop-dev-data" };
const largeMessages = { bucketName: "shop-dev-messages", bucketArn: "arn:aws:s3:::shop-dev-messages" };
const levelsVariable = {
    promoteAfterSeconds: 120,
    levels: levels.map((l) => ({ level: l.level, weight: l.weight, url: l.url, arn: l.arn })),
};
const environment = (resources: Awaited<ReturnType<typeof runOffline>>["resources"]) =>
    (one(resources, "aws:lambda/function:Function").inputs.environment as { variables: Record<string, string> }).variables;

const functionWorker = (concurrency: number, withLargeMessages = true) =>
    runOffline(() =>
        new FunctionWorker("resize", {
            namePrefix: ["shop", "dev"],
            worker: { name: "resize", queue: "jobs", concurrency },
            queue,
            table,
            visibilityTimeoutSeconds: 180,
            ...(withLargeMessages ? { largeMessages } : {}),
        }),
    );

describe("aws workers with queue patterns", () => {
    it("maps each priority level to the function with concurrency split by weight, at least 2 each", async () => {
        const { resources } = await functionWorker(10);
        const mappings = ofType(resources, "aws:lambda/eventSourceMapping:EventSourceMapping");
        assert.deepEqual(
            mappings.map((m) => [m.name, m.inputs.eventSourceArn, (m.inputs.scalingConfig as { maximumConcurrency: number }).maximumConcurrency]).sort(),
            [
                ["resize-high-source", sqsArn("shop-dev-jobs-high"), 6],
                ["resize-low-source", sqsArn("shop-dev-jobs-low"), 2],
                ["resize-normal-source", sqsArn("shop-dev-jobs-normal"), 2],
            ],
        );
        for (const m of mappings) assert.deepEqual(m.inputs.functionResponseTypes, ["ReportBatchItemFailures"]);
        const small = await functionWorker(3);
        assert.deepEqual(ofType(small.resources, "aws:lambda/eventSourceMapping:EventSourceMapping").map((m) => (m.inputs.scalingConfig as { maximumConcurrency: number }).maximumConcurrency), [2, 2, 2], "Lambda's floor of 2 per mapping");
    });

    it("lets the function consume every level, read claim-checked bodies, and nothing else", async () => {
        const { resources } = await functionWorker(10);
        const statements = jsonInput(one(resources, "aws:iam/rolePolicy:RolePolicy"), "policy").Statement;
        assert.deepEqual(statements.map((s: { Sid: string; Action: string[]; Resource: unknown }) => [s.Sid, s.Action, s.Resource]).slice(1), [
            ["ConsumeOwnQueue", ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"], levels.map((l) => l.arn)],
            ["WriteOwnTable", ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"], table.tableArn],
            ["ReadLargeMessages", ["s3:GetObject"], "arn:aws:s3:::shop-dev-messages/*"],
        ]);
        assert.ok(!JSON.stringify(statements).includes("sqs:SendMessage"), "function workers never promote, so they never send");
        const env = environment(resources);
        assert.deepEqual(JSON.parse(env.QUEUESTACK_QUEUE_LEVELS), levelsVariable);
        assert.equal(env.QUEUESTACK_BLOB_BUCKET, "shop-dev-messages");
        assert.equal(env.QUEUESTACK_QUEUE_URL, sqsUrl("shop-dev-jobs-low"));
    });

    it("has no claim-check permission or bucket variable without large messages", async () => {
        const { resources } = await functionWorker(10, false);
        assert.ok(!JSON.stringify(jsonInput(one(resources, "aws:iam/rolePolicy:RolePolicy"), "policy")).includes("s3:"));
        assert.equal(environment(resources).QUEUESTACK_BLOB_BUCKET, undefined);
    });

    it("gives VM workers every level (URLs, weights, promotion bound), no send rights (promotion lends weight) and a backlog over all levels", async () => {
        const { resources } = await runOffline(() =>
            new VmWorker("crawl", {
                namePrefix: ["shop", "dev"],
                worker: { name: "crawl", queue: "jobs", kind: "vm", concurrency: 16 },
                queue,
                table,
                subnetIds: ["subnet-a"],
                vpcId: "vpc-1",
                artifactBucket: { bucketName: "shop-dev-artifacts", bucketArn: "arn:aws:s3:::shop-dev-artifacts" },
                visibilityTimeoutSeconds: 180,
                largeMessages,
            }),
        );
        const script = Buffer.from(one(resources, "aws:ec2/launchTemplate:LaunchTemplate").inputs.userData as string, "base64").toString();
        const line = script.split("\n").find((l) => l.includes("QUEUESTACK_QUEUE_LEVELS="));
        // systemd's EnvironmentFile quoting: backslashes and double quotes escaped inside "...".
        const quoted = /^QUEUESTACK_QUEUE_LEVELS="(.*)"$/.exec(line ?? "")?.[1];
        assert.deepEqual(JSON.parse((quoted ?? "").replace(/\\(["\\])/g, "$1")), levelsVariable);
        assert.match(script, /QUEUESTACK_BLOB_BUCKET="shop-dev-messages"/);
        const statements = jsonInput(one(resources, "aws:iam/rolePolicy:RolePolicy"), "policy").Statement;
        assert.deepEqual(statements.map((s: { Sid: string; Resource: unknown }) => [s.Sid, s.Resource]), [
            ["ConsumeOwnQueue", levels.map((l) => l.arn)],
            ["WriteOwnTable", table.tableArn],
            ["ReadOwnCode", `arn:aws:s3:::shop-dev-artifacts/${one(resources, "aws:s3/bucketObjectv2:BucketObjectv2").inputs.key}`],
            ["ShipOwnLogs", "arn:aws:logs:eu-west-1:123456789012:log-group:/queuestack/shop-dev-crawl-vm:*"],
            ["SessionManager", "*"],
            ["ReadLargeMessages", "arn:aws:s3:::shop-dev-messages/*"],
        ]);
        // The poller lends overdue levels weight instead of moving messages: it never sends.
        assert.ok(!statements.some((s: { Action: string[] }) => s.Action.includes("sqs:SendMessage")), "VM workers need no sqs:SendMessage");
        const metrics = (one(resources, "aws:autoscaling/policy:Policy", "crawl-backlog-scaling").inputs.targetTrackingConfiguration as { customizedMetricSpecification: { metrics: any[] } }).customizedMetricSpecification.metrics;
        assert.deepEqual(metrics.map((m) => [m.id, m.metricStat?.metric.dimensions[0].value ?? m.expression, m.returnData]), [
            ["q1", "shop-dev-jobs-high", false],
            ["q2", "shop-dev-jobs-normal", false],
            ["q3", "shop-dev-jobs-low", false],
            ["m2", "shop-dev-crawl", false],
            ["e1", "IF(m2 > 0, (q1 + q2 + q3) / m2, (q1 + q2 + q3))", true],
        ]);
    });
});
