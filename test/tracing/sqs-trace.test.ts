import { strict as assert } from "node:assert";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { messageAttributes } from "../../workers/aws/enqueue";
import { SqsPoller } from "../../workers/aws/poller";
import { awsWorkerFromEnv } from "../../workers/aws/worker-setup";
import { messagingSystems, startTracing, traceContextAttributes, tracePublish, type Tracing } from "../../workers/runtime/tracing";
import { capturedLogger } from "../workers/helpers/capture-logs";
import { createQueueWithDlq, createTable, useMoto } from "../workers/helpers/moto";
import flakyWorker from "./fixtures/flaky-worker";
import { spanTree } from "./span-tree";

describe("tracing on moto SQS: the trace context travels in SQS message attributes to every attempt", function () {
    this.timeout(40_000);
    const moto = useMoto();
    const exporter = new InMemorySpanExporter();
    let tracing: Tracing | undefined;
    before(async () => {
        await createTable(moto(), "traced");
        tracing = startTracing({ serviceName: "sqs-test", processors: [new SimpleSpanProcessor(exporter)], env: {} });
    });
    after(async () => tracing?.shutdown());

    it("keeps every message within SQS's 10 message attributes with the trace context added", () => {
        const most = messageAttributes({ delaySeconds: 0, correlationId: "c-1" }, new Date(), "job-1");
        assert.equal(Object.keys(most).length + traceContextAttributes.length, 5);
    });

    it("runs a job that fails once and then succeeds as attempts 1 and 2 under the send span", async () => {
        const { url } = await createQueueWithDlq(moto(), "traced", { maxReceiveCount: 3, visibilityTimeoutSeconds: 1 });
        const attributes: Record<string, string> = {};
        const sent = await tracePublish([{ system: messagingSystems.aws, queue: "traced", id: "job-1", attributes }], () =>
            moto().sqs.send(new SendMessageCommand({
                QueueUrl: url,
                MessageBody: JSON.stringify({ mode: "fail-once" }),
                MessageAttributes: Object.fromEntries(Object.entries(attributes).map(([name, value]) => [name, { DataType: "String", StringValue: value }])),
            })),
        );
        const { logger } = capturedLogger();
        const env = {
            QUEUESTACK_QUEUE_URL: url, QUEUESTACK_TABLE_NAME: "traced", QUEUESTACK_IDEMPOTENCY_ENABLED: "false", QUEUESTACK_RESULT_TTL_DAYS: "1",
            QUEUESTACK_VISIBILITY_TIMEOUT_SECONDS: "1", QUEUESTACK_WORKER_TIMEOUT_SECONDS: "5", QUEUESTACK_MAX_RECEIVE_COUNT: "3",
        };
        const aws = awsWorkerFromEnv(flakyWorker, env, logger, { sqs: moto().sqs, dynamodb: moto().dynamodb });
        const poller = new SqsPoller({ processor: aws.processor, sqs: moto().sqs, queueUrl: url, logger, concurrency: 2, visibilityTimeoutSeconds: 1, waitSeconds: 1, drainSeconds: 1 });
        const run = poller.run();
        try {
            const deadline = Date.now() + 20_000;
            while (poller.counts.deleted < 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
        } finally {
            await poller.stop();
            await run;
        }
        // The sender named the message job-1; SQS's MessageId names it to the attempts.
        const spans = exporter.getFinishedSpans();
        assert.deepEqual(spanTree(spans, ["job-1", sent.MessageId!]), [
            "send traced PRODUCER operation.type=send destination.name=traced",
            "  process traced CONSUMER attempt=1 outcome=retry outcome.reason=Error: the first attempt fails operation.type=process destination.name=traced links=[send traced]",
            "    nack traced CLIENT attempt=1 outcome.reason=Error: the first attempt fails operation.type=settle destination.name=traced",
            "  process traced CONSUMER attempt=2 outcome=done operation.type=process destination.name=traced links=[send traced]",
            "    ack traced CLIENT attempt=2 operation.type=settle destination.name=traced",
        ]);
        assert.deepEqual([...new Set(spans.map((s) => s.attributes["messaging.system"]))], ["aws_sqs"]);
        assert.equal(new Set(spans.map((s) => s.spanContext().traceId)).size, 1);
    });
});
