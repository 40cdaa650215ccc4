import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { SpecError, specFromConfig } from "../components";
import * as aws from "../components/aws";
import { runOffline } from "../components/testing/offline";
import { ofType } from "./helpers/resources";

describe("a consumer stack composing queuestack pieces", () => {
    it("uses only a queue with its DLQ and alarms, through the library entry", async () => {
        const { resources } = await runOffline(
            () => {
                const jobs = new aws.Queue("jobs", { queue: { name: "jobs", maxReceiveCount: 3 } });
                new aws.Alarms("jobs-alarms", { queues: [{ name: "jobs", queueName: jobs.queueName, deadLetterName: jobs.deadLetterName }] });
            },
            { project: "billing", stack: "staging" },
        );
        const counts = Object.fromEntries(["aws:sqs/queue:Queue", "aws:cloudwatch/metricAlarm:MetricAlarm", "aws:lambda/function:Function", "aws:dynamodb/table:Table"].map((t) => [t, ofType(resources, t).length]));
        assert.deepEqual(counts, { "aws:sqs/queue:Queue": 2, "aws:cloudwatch/metricAlarm:MetricAlarm": 2, "aws:lambda/function:Function": 0, "aws:dynamodb/table:Table": 0 });
        assert.deepEqual(ofType(resources, "aws:sqs/queue:Queue").map((q) => q.inputs.name).sort(), ["billing-staging-jobs", "billing-staging-jobs-dlq"]);
        const [dlqAlarm] = ofType(resources, "aws:cloudwatch/metricAlarm:MetricAlarm");
        assert.deepEqual(dlqAlarm.inputs.dimensions, { QueueName: "billing-staging-jobs-dlq" });
    });
});

describe("spec from stack config", () => {
    it("reads queuestack:cloud and queuestack:spec, applying defaults", async () => {
        const { result } = await runOffline(() => specFromConfig(), {
            config: { "queuestack:cloud": "gcp", "queuestack:spec": { name: "portfolio", queues: [{ name: "scrape" }] } },
        });
        assert.equal(result.cloud, "gcp");
        assert.equal(result.spec.queues[0].maxReceiveCount, 5);
    });

    it("says where to put the spec when the stack has none", async () => {
        await assert.rejects(
            runOffline(() => specFromConfig(new pulumi.Config("queuestack")), { stack: "qa", config: {} }),
            (error: unknown) => {
                assert.ok(error instanceof SpecError);
                assert.equal(error.message, "Invalid stack config for qa (1 problem):\n  queuestack:spec: is required in the stack config (got nothing). Add queuestack:spec to Pulumi.<stack>.yaml (see Pulumi.dev.yaml).");
                return true;
            },
        );
    });
});
