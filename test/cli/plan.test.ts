import { strict as assert } from "node:assert";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { countByType, planTree } from "../../cli/plan-format";
import { runStackOffline } from "../../cli/offline-stack";
import { StackConfigError, loadStackConfig, stackNames } from "../../components/stack-config";
import { one } from "../helpers/resources";

const root = path.resolve(__dirname, "..", "..");

describe("offline plan", () => {
    it("lists the full AWS dev stack: front end, queue + DLQ, function worker, datastore, alarms, dashboard", async () => {
        const { resources } = await runStackOffline("dev", root);
        const counts = Object.fromEntries(countByType(resources.filter((r) => r.custom)));
        assert.deepEqual(counts, {
            "aws:apigatewayv2/api:Api": 1,
            "aws:apigatewayv2/integration:Integration": 1,
            "aws:apigatewayv2/route:Route": 2,
            "aws:apigatewayv2/stage:Stage": 1,
            "aws:cloudwatch/dashboard:Dashboard": 1,
            "aws:cloudwatch/logGroup:LogGroup": 2,
            "aws:cloudwatch/metricAlarm:MetricAlarm": 4,
            "aws:dynamodb/table:Table": 1,
            "aws:iam/role:Role": 2,
            "aws:iam/rolePolicy:RolePolicy": 2,
            "aws:kms/key:Key": 1,
            "aws:lambda/eventSourceMapping:EventSourceMapping": 1,
            "aws:lambda/function:Function": 2,
            "aws:lambda/permission:Permission": 1,
            "aws:secretsmanager/secret:Secret": 1,
            "aws:secretsmanager/secretVersion:SecretVersion": 1,
            "aws:sns/topic:Topic": 1,
            "aws:sqs/queue:Queue": 2,
            "aws:sqs/queuePolicy:QueuePolicy": 2,
            "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy": 1,
            "random:index/randomPassword:RandomPassword": 1,
        });
        // 20 s processing, 30 s worker timeout: visibility is 6 x 30 s.
        assert.equal(one(resources, "aws:sqs/queue:Queue", "portfolio-aws-scrape-queue").inputs.visibilityTimeoutSeconds, 180);
        assert.equal(one(resources, "aws:sqs/queue:Queue", "portfolio-aws-scrape-queue").inputs.name, "portfolio-dev-scrape");
    });

    it("lists the prod stack's VM workers, private network and FIFO queue", async () => {
        const { resources } = await runStackOffline("prod", root);
        const types = new Set(resources.map((r) => r.type));
        for (const type of ["aws:autoscaling/group:Group", "aws:autoscaling/policy:Policy", "aws:ec2/launchTemplate:LaunchTemplate", "aws:ec2/vpc:Vpc", "aws:ec2/vpcEndpoint:VpcEndpoint", "aws:sns/topicSubscription:TopicSubscription"]) {
            assert.ok(types.has(type), `${type} is planned`);
        }
        assert.equal(one(resources, "aws:sqs/queue:Queue", "portfolio-aws-publish-queue").inputs.name, "portfolio-prod-publish.fifo");
        assert.equal(one(resources, "aws:cloudwatch/metricAlarm:MetricAlarm", "portfolio-aws-alarms-scrape-oldest-message").inputs.threshold, 300);
    });

    it("prints resources as a tree under their components", async () => {
        const { resources } = await runStackOffline("dev", root);
        const lines = planTree(resources).split("\n");
        assert.equal(lines[0], "queuestack:index:WebQueueWorker  portfolio");
        assert.equal(lines[1], "└─ queuestack:aws:WebQueueWorker  portfolio-aws");
        // The datastore component's only child, with its key inputs.
        assert.ok(lines.includes('   │  └─ aws:dynamodb/table:Table  portfolio-aws-datastore-table  name=portfolio-dev-data  billingMode=PAY_PER_REQUEST  ttl={"attributeName":"expiresAt","enabled":true}  pointInTimeRecovery={"enabled":true}'));
        assert.equal(lines.length, resources.length);
    });

    it("names the missing stack file and the stacks that exist", () => {
        assert.throws(() => loadStackConfig("staging", root), (error: unknown) => {
            assert.ok(error instanceof StackConfigError);
            assert.match(error.message, /^no stack file Pulumi\.staging\.yaml \(stack "staging"\)\. Stacks here: .*\bdev\b.*\bprod\b/);
            return true;
        });
        assert.ok(stackNames(root).includes("dev"));
    });

    it("reports a bad spec in a stack file as one error listing every problem", async () => {
        const dir = mkdtempSync(path.join(tmpdir(), "queuestack-plan-"));
        writeFileSync(path.join(dir, "Pulumi.yaml"), `name: bad-spec\nruntime: nodejs\nmain: ${JSON.stringify(path.join(root, "index.ts"))}\n`);
        writeFileSync(path.join(dir, "Pulumi.bad.yaml"), "config:\n  queuestack:cloud: aws\n  queuestack:spec:\n    name: x\n    queues: []\n");
        await assert.rejects(runStackOffline("bad", dir), {
            name: "SpecError",
            message: [
                "Invalid queuestack spec (2 problems):",
                '  name: must be at least 2 characters (got "x"). Use at least 2 characters.',
                "  queues: must list at least 1 item (got []). Add one.",
            ].join("\n"),
        });
    });
});
