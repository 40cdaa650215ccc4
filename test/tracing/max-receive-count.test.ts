import { strict as assert } from "node:assert";
import { FunctionWorker as AwsFunctionWorker } from "../../components/aws/workers-function";
import { FunctionWorker as GcpFunctionWorker } from "../../components/gcp";
import { runOffline } from "../../components/testing/offline";
import { ConfigError } from "../../workers/runtime/errors";
import { settleSpansFromEnv } from "../../workers/runtime/tracing";
import { one } from "../helpers/resources";
import { database, handlerCode } from "../gcp/fixtures";
import { runGcp } from "../gcp/offline-gcp";
import { type Cloud, functionEnvironments, planStack, vmBootScript } from "./planned-environment";

/**
 * The planned QUEUESTACK_MAX_RECEIVE_COUNT of every worker: the count its queue dead-letters at,
 * so the worker's settle span of a failed last attempt says `dead_letter` on every cloud. Two
 * queues with different counts (neither the default 5), a function worker on one and a VM worker
 * on the other.
 */
const spec = {
    name: "portfolio",
    queues: [
        { name: "scrape", processingTimeSeconds: 20, maxReceiveCount: 7 },
        { name: "publish", retentionDays: 7, maxReceiveCount: 9 },
    ],
    workers: [
        { name: "scraper", queue: "scrape", kind: "function" as const, timeoutSeconds: 30, concurrency: 5 },
        { name: "publisher", queue: "publish", kind: "vm" as const, scaling: { min: 0, max: 4 } },
    ],
};

/** The functions each cloud plans: the worker, then the front end. */
const functionNames: Record<Cloud, [worker: string, frontEnd: string]> = {
    aws: ["portfolio-dev-scraper", "portfolio-dev-front-end"],
    azure: ["portfolio-scraper-functions-site", "portfolio-front-end-functions-site"],
    gcp: ["portfolio-test-scraper", "portfolio-test-front-end"],
};

/** Every `QUEUESTACK_MAX_RECEIVE_COUNT=...` line of a VM boot script (its environment file). */
const scriptValues = (script: string) => [...script.matchAll(/^QUEUESTACK_MAX_RECEIVE_COUNT=(.*)$/gm)].map((m) => m[1]);

describe("workers get their queue's maxReceiveCount as QUEUESTACK_MAX_RECEIVE_COUNT on every cloud", function () {
    this.timeout(180_000);

    for (const cloud of ["aws", "azure", "gcp"] as const) {
        it(`${cloud}: the function worker gets 7 and the VM worker's environment file 9; the front end gets none`, async () => {
            const resources = await planStack(cloud, spec);
            const [worker, frontEnd] = functionNames[cloud];
            const planned = Object.fromEntries(Object.entries(functionEnvironments(cloud, resources)).map(([name, env]) => [name, env.QUEUESTACK_MAX_RECEIVE_COUNT ?? null]));
            assert.deepEqual(planned, { [worker]: "7", [frontEnd]: null });
            assert.deepEqual(scriptValues(vmBootScript(cloud, resources)), ['"9"']);
        });
    }

    it("a worker given a queue without its count (a hand-wired component) sets none: its failed last attempt stays a nack", async () => {
        const { resources: aws } = await runOffline(() => new AwsFunctionWorker("resize", {
            namePrefix: ["shop", "dev"],
            worker: { name: "resize", queue: "jobs", idempotency: { enabled: false } },
            queue: { url: "https://sqs.eu-west-1.amazonaws.com/123456789012/shop-dev-jobs", arn: "arn:aws:sqs:eu-west-1:123456789012:shop-dev-jobs", queueName: "shop-dev-jobs" },
            table: { tableName: "shop-dev-data", tableArn: "arn:aws:dynamodb:eu-west-1:123456789012:table/shop-dev-data" },
            visibilityTimeoutSeconds: 180,
        }));
        assert.equal("QUEUESTACK_MAX_RECEIVE_COUNT" in functionEnvironments("aws", aws)["shop-dev-resize"]!, false);
        const { resources: gcp } = await runGcp(() => new GcpFunctionWorker("scraper", { worker: { name: "scraper", queue: "scrape" }, queueName: "scrape", database, sourceBucket: "src-bucket", ackDeadlineSeconds: 360, code: handlerCode }));
        assert.equal("QUEUESTACK_MAX_RECEIVE_COUNT" in functionEnvironments("gcp", gcp)["queuestack-test-scraper"]!, false);
        assert.equal(one(gcp, "gcp:cloudfunctionsv2/function:Function").inputs.name, "queuestack-test-scraper");
    });

    it("the worker reads the count up to Service Bus's largest (2000), and refuses a value outside 1-2000 naming the variable", () => {
        assert.deepEqual(settleSpansFromEnv({ QUEUESTACK_MAX_RECEIVE_COUNT: "2000" }), { maxReceiveCount: 2000 });
        assert.deepEqual(settleSpansFromEnv({}), {});
        assert.throws(() => settleSpansFromEnv({ QUEUESTACK_MAX_RECEIVE_COUNT: "2001" }), (error: unknown) =>
            error instanceof ConfigError && error.message === 'QUEUESTACK_MAX_RECEIVE_COUNT must be a whole number from 1 to 2000 (got "2001"): attempts before the queue dead-letters a message (spec queues[].maxReceiveCount).');
    });
});
