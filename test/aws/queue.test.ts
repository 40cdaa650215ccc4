import { strict as assert } from "node:assert";
import { Queue } from "../../components/aws/queue";
import { SpecError } from "../../components/spec";
import { runOffline, valueOf } from "../../components/testing/offline";
import { jsonInput, ofType, one } from "../helpers/resources";

const plan = (args: ConstructorParameters<typeof Queue>[1]) =>
    runOffline(() => new Queue("jobs", { namePrefix: ["shop", "dev"], ...args }), { stack: "dev" });

describe("aws Queue", () => {
    it("creates a standard queue whose redrive policy points at its DLQ after maxReceiveCount", async () => {
        const { resources, result } = await plan({ queue: { name: "jobs", maxReceiveCount: 7, processingTimeSeconds: 20 } });
        const queue = one(resources, "aws:sqs/queue:Queue", "jobs-queue");
        const dlq = one(resources, "aws:sqs/queue:Queue", "jobs-dlq");
        assert.deepEqual(jsonInput(queue, "redrivePolicy"), { deadLetterTargetArn: "arn:aws:sqs:eu-west-1:123456789012:shop-dev-jobs-dlq", maxReceiveCount: 7 });
        assert.equal(queue.inputs.name, "shop-dev-jobs");
        assert.equal(queue.inputs.visibilityTimeoutSeconds, 120); // 6 x 20 s
        assert.equal(queue.inputs.messageRetentionSeconds, 4 * 86_400);
        assert.equal(dlq.inputs.messageRetentionSeconds, 14 * 86_400);
        assert.equal(queue.inputs.sqsManagedSseEnabled, true);
        assert.equal(dlq.inputs.sqsManagedSseEnabled, true);
        assert.equal(queue.inputs.receiveWaitTimeSeconds, 20);
        assert.equal(queue.inputs.maxMessageSize, 256 * 1024);
        assert.equal(queue.inputs.fifoQueue, undefined);
        assert.equal(dlq.inputs.redrivePolicy, undefined, "the DLQ itself must not redrive");
        assert.equal(queue.parentType, "queuestack:aws:Queue");
        assert.equal(await valueOf(result.deadLetterUrl), "https://sqs.eu-west-1.amazonaws.com/123456789012/shop-dev-jobs-dlq");
    });

    it("lets only its source redrive into the DLQ and denies non-TLS access to both queues", async () => {
        const { resources } = await plan({ queue: { name: "jobs" } });
        const allow = one(resources, "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy");
        assert.deepEqual(jsonInput(allow, "redriveAllowPolicy"), { redrivePermission: "byQueue", sourceQueueArns: ["arn:aws:sqs:eu-west-1:123456789012:shop-dev-jobs"] });
        const policies = ofType(resources, "aws:sqs/queuePolicy:QueuePolicy");
        assert.deepEqual(policies.map((p) => p.name).sort(), ["jobs-dlq-policy", "jobs-queue-policy"]);
        for (const policy of policies) {
            const [statement] = jsonInput(policy, "policy").Statement;
            assert.equal(statement.Effect, "Deny");
            assert.deepEqual(statement.Condition, { Bool: { "aws:SecureTransport": "false" } });
            assert.match(statement.Resource, /^arn:aws:sqs/);
        }
    });

    it("makes FIFO queues with a FIFO DLQ, content deduplication and per-group throughput", async () => {
        const { resources } = await plan({ queue: { name: "orders", ordering: "fifo", deliveryDelaySeconds: 900 } });
        for (const name of ["jobs-queue", "jobs-dlq"]) {
            const q = one(resources, "aws:sqs/queue:Queue", name);
            assert.equal(q.inputs.fifoQueue, true);
            assert.equal(q.inputs.contentBasedDeduplication, true);
            assert.equal(q.inputs.deduplicationScope, "messageGroup");
            assert.equal(q.inputs.fifoThroughputLimit, "perMessageGroupId");
            assert.match(q.inputs.name as string, /\.fifo$/);
        }
        assert.equal(one(resources, "aws:sqs/queue:Queue", "jobs-queue").inputs.delaySeconds, 900);
    });

    it("uses explicit deduplication ids when asked", async () => {
        const { resources } = await plan({ queue: { name: "orders", ordering: "fifo", deduplication: "messageId" } });
        const queue = one(resources, "aws:sqs/queue:Queue", "jobs-queue");
        assert.equal(queue.inputs.contentBasedDeduplication, false);
        assert.equal((queue.inputs.tags as Record<string, string>)["queuestack:deduplication"], "messageId", "declared for the policy pack");
        const content = await plan({ queue: { name: "orders", ordering: "fifo" } });
        assert.equal((one(content.resources, "aws:sqs/queue:Queue", "jobs-queue").inputs.tags as Record<string, string>)["queuestack:deduplication"], undefined);
    });

    it("takes the visibility timeout the stack derives from its workers", async () => {
        const { resources } = await plan({ queue: { name: "jobs" }, visibilityTimeoutSeconds: 5400 });
        assert.equal(one(resources, "aws:sqs/queue:Queue", "jobs-queue").inputs.visibilityTimeoutSeconds, 5400);
    });

    it("rejects an invalid queue before creating anything, with paths relative to the queue", async () => {
        let created = -1;
        await assert.rejects(
            async () => {
                const run = await runOffline(() => new Queue("bad", { queue: { name: "bad", retentionDays: 14, deliveryDelaySeconds: 1000 } }));
                created = run.resources.length;
            },
            (error: unknown) => {
                assert.ok(error instanceof SpecError);
                assert.equal(
                    error.message,
                    [
                        'Invalid queue "bad" (2 problems):',
                        "  deliveryDelaySeconds: must be at most 900 (got 1000). Lower it to 900 or less.",
                        "  deadLetter.retentionDays: must be longer than the queue's retentionDays (14) (got 14). Raise it, or lower the queue's retentionDays, so dead letters are not dropped before anyone sees them.",
                    ].join("\n"),
                );
                return true;
            },
        );
        assert.equal(created, -1);
    });
});
