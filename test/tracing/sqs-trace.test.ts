import { strict as assert } from "node:assert";
import { CreateTopicCommand, SubscribeCommand } from "@aws-sdk/client-sns";
import { GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { redrive } from "../../operations/redrive";
import { AwsTarget } from "../../operations/targets/aws";
import { messageAttributes } from "../../workers/aws/enqueue";
import { createFrontEndHandler } from "../../workers/aws/front-end-handler";
import { SqsPoller } from "../../workers/aws/poller";
import { awsWorkerFromEnv } from "../../workers/aws/worker-setup";
import { startTracing, traceContextAttributes, type Tracing } from "../../workers/runtime/tracing";
import { capturedLogger } from "../workers/helpers/capture-logs";
import { createQueueWithDlq, createTable, useMoto } from "../workers/helpers/moto";
import { receive } from "../workers/helpers/sqs";
import { createScheduleGroup, patternClients, queueWithArn } from "../workers/aws/pattern-clients";
import { GetScheduleCommand } from "@aws-sdk/client-scheduler";
import { deadLetteredAndRedrivenTree, failsOnceTree } from "./expected-trees";
import flakyWorker, { repaired } from "./fixtures/flaky-worker";
import { spanTree } from "./span-tree";

const maxReceiveCount = 2;

describe("tracing on moto SQS: the front end's trace context travels in SQS message attributes to every attempt and through a redrive", function () {
    this.timeout(60_000);
    const moto = useMoto();
    const exporter = new InMemorySpanExporter();
    let tracing: Tracing | undefined;
    let queue: { url: string; dlqUrl: string };
    before(async () => {
        await createTable(moto(), "traced");
        // One queue for both jobs, so its physical name is the spec name the front end sends to.
        queue = await createQueueWithDlq(moto(), "traced", { maxReceiveCount, visibilityTimeoutSeconds: 1 });
        tracing = startTracing({ serviceName: "sqs-test", processors: [new SimpleSpanProcessor(exporter)], env: {} });
    });
    after(async () => tracing?.shutdown());

    it("keeps every message within SQS's 10 message attributes with the trace context added", () => {
        const most = messageAttributes({ delaySeconds: 0, correlationId: "c-1" }, new Date(), "job-1", { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", tracestate: "v=1" });
        assert.deepEqual(Object.keys(most).sort(), ["queuestack-correlation-id", "queuestack-enqueued-at", "queuestack-job-id", ...traceContextAttributes].sort());
        assert.ok(Object.keys(most).length <= 10);
    });

    function worker() {
        const { logger } = capturedLogger();
        const env = {
            QUEUESTACK_QUEUE_URL: queue.url, QUEUESTACK_TABLE_NAME: "traced", QUEUESTACK_IDEMPOTENCY_ENABLED: "false", QUEUESTACK_RESULT_TTL_DAYS: "1",
            QUEUESTACK_VISIBILITY_TIMEOUT_SECONDS: "1", QUEUESTACK_WORKER_TIMEOUT_SECONDS: "5", QUEUESTACK_MAX_RECEIVE_COUNT: String(maxReceiveCount),
        };
        const aws = awsWorkerFromEnv(flakyWorker, env, logger, { sqs: moto().sqs, dynamodb: moto().dynamodb });
        const frontEnd = createFrontEndHandler({ queues: { traced: { url: queue.url, fifo: false } }, maxBodyBytes: 1024, sqs: moto().sqs, jobs: aws.store, logger });
        const post = async (body: object) => {
            const answer = await frontEnd({ routeKey: "POST /queues/{queue}/messages", pathParameters: { queue: "traced" }, requestContext: { http: { method: "POST" } }, headers: {}, body: JSON.stringify(body) });
            assert.equal(answer.statusCode, 202);
            return (JSON.parse(answer.body!) as { messageId: string }).messageId;
        };
        /**
         * Runs the VM poller until `until` holds (checked every 50 ms). Short polls: a long poll
         * abandoned by stop() would still take (and count a receive of) the next message sent.
         */
        const poll = async (until: (poller: SqsPoller) => Promise<boolean> | boolean) => {
            const poller = new SqsPoller({ processor: aws.processor, sqs: moto().sqs, queueUrl: queue.url, logger, concurrency: 1, visibilityTimeoutSeconds: 1, waitSeconds: 0, drainSeconds: 1 });
            const run = poller.run();
            try {
                for (let i = 0; i < 600 && !(await until(poller)); i++) await new Promise((resolve) => setTimeout(resolve, 50));
            } finally {
                await poller.stop();
                await run;
            }
        };
        return { post, poll };
    }

    it("traces a job that fails once and then succeeds: the request, the send, attempts 1 and 2 under it, each settled", async () => {
        const { post, poll } = worker();
        const id = await post({ mode: "fail-once" });
        await poll((p) => p.counts.deleted >= 1);
        const spans = exporter.getFinishedSpans();
        assert.deepEqual(spanTree(spans, id), failsOnceTree("traced", "Error: the first attempt fails"));
        const about = spans.filter((s) => s.attributes["messaging.message.id"] === id);
        assert.deepEqual([...new Set(about.map((s) => s.attributes["messaging.system"]))], ["aws_sqs"]);
        assert.equal(new Set(about.map((s) => s.spanContext().traceId)).size, 1, "one trace for the whole job");
    });

    it(`traces a job that dead-letters after ${maxReceiveCount} receives and is redriven: the redrive is a new trace linked to the send`, async () => {
        const { post, poll } = worker();
        const target = new AwsTarget({ region: "us-east-1", sqs: moto().sqs, queues: { traced: { url: queue.url, deadLetterUrl: queue.dlqUrl } } });
        try {
            const id = await post({ mode: "broken", key: "sqs" });
            // SQS moves the message to the dead-letter queue on the receive after its last attempt.
            await poll(async () => (await moto().sqs.send(new GetQueueAttributesCommand({ QueueUrl: queue.dlqUrl, AttributeNames: ["ApproximateNumberOfMessages"] }))).Attributes?.ApproximateNumberOfMessages !== "0");
            repaired.add("sqs");
            assert.deepEqual(await redrive(target, "traced"), { moved: 1, missing: [] });
            await poll((p) => p.counts.deleted >= 1);
            const spans = exporter.getFinishedSpans();
            const [redriveSpan] = spans.filter((s) => s.name === "redrive traced");
            // SQS names the redriven copy anew: the attempts after the redrive carry the copy's id.
            const copyIds = spans.filter((s) => s.parentSpanId === redriveSpan!.spanContext().spanId).map((s) => String(s.attributes["messaging.message.id"]));
            assert.deepEqual(spanTree(spans, [id, ...copyIds]), deadLetteredAndRedrivenTree("traced", "Error: the page is broken", maxReceiveCount));
            const [send] = spans.filter((s) => s.name === "send traced" && s.attributes["messaging.message.id"] === id);
            assert.notEqual(redriveSpan!.spanContext().traceId, send!.spanContext().traceId, "the redrive is a trace of its own");
            assert.deepEqual(redriveSpan!.links.map((l) => [l.context.traceId, l.context.spanId, l.attributes]), [[send!.spanContext().traceId, send!.spanContext().spanId, { "messaging.message.id": id }]]);
        } finally {
            await target.close();
        }
    });

    it("continues an incoming traceparent, and each subscriber queue of a fan-out topic gets the send span's context in its message attributes", async () => {
        const { sns } = patternClients(moto());
        const subscribers = [await queueWithArn(moto(), "traced-billing"), await queueWithArn(moto(), "traced-audit")];
        const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "traced-signups" }));
        for (const queue of subscribers) await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: queue.arn, Attributes: { RawMessageDelivery: "true" } }));
        const frontEnd = createFrontEndHandler({ queues: {}, topics: { signups: { arn: TopicArn!, fifo: false } }, sns, maxBodyBytes: 1024, sqs: moto().sqs, jobs: { getJob: async () => undefined, putJob: async () => undefined }, logger: capturedLogger().logger });
        const caller = { traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331" };
        const answer = await frontEnd({ routeKey: "POST /topics/{topic}", pathParameters: { topic: "signups" }, requestContext: { http: { method: "POST" } }, headers: { traceparent: `00-${caller.traceId}-${caller.spanId}-01` }, body: '{"user":"ada"}' });
        assert.equal(answer.statusCode, 202, answer.body);
        const id = (JSON.parse(answer.body!) as { messageId: string }).messageId;
        const [send] = exporter.getFinishedSpans().filter((s) => s.name === "send signups");
        const [request] = exporter.getFinishedSpans().filter((s) => s.name === "POST /topics/{topic}");
        assert.deepEqual([request!.spanContext().traceId, request!.parentSpanId], [caller.traceId, caller.spanId], "the request continues the caller's trace");
        assert.deepEqual([send!.parentSpanId, send!.attributes["messaging.message.id"], send!.attributes["messaging.destination.name"]], [request!.spanContext().spanId, id, "signups"]);
        for (const queue of subscribers) {
            const [copy] = await receive(moto(), queue.url, 1);
            assert.equal(copy?.MessageAttributes?.traceparent?.StringValue, `00-${caller.traceId}-${send!.spanContext().spanId}-01`, `the copy in ${queue.url}`);
        }
    });

    it("a delay beyond SQS's 900 s keeps the send span's context in the schedule's message attributes", async () => {
        const clients = patternClients(moto());
        await createScheduleGroup(clients.scheduler, "traced-delays");
        const later = await queueWithArn(moto(), "traced-later");
        const dlq = await queueWithArn(moto(), "traced-later-dlq");
        const frontEnd = createFrontEndHandler({
            queues: { later: { url: later.url, arn: later.arn, fifo: false, maxDelaySeconds: 86_400 } },
            scheduler: { client: clients.scheduler, groupName: "traced-delays", roleArn: "arn:aws:iam::123456789012:role/traced-delays", deadLetterArn: dlq.arn },
            maxBodyBytes: 1024, sqs: moto().sqs, jobs: { getJob: async () => undefined, putJob: async () => undefined }, logger: capturedLogger().logger,
        });
        const answer = await frontEnd({ routeKey: "POST /queues/{queue}/messages", pathParameters: { queue: "later" }, requestContext: { http: { method: "POST" } }, headers: { "x-delay-seconds": "3600" }, body: '{"n":1}' });
        assert.equal(answer.statusCode, 202, answer.body);
        const id = (JSON.parse(answer.body!) as { messageId: string }).messageId;
        const [send] = exporter.getFinishedSpans().filter((s) => s.name === "send later" && s.attributes["messaging.message.id"] === id);
        const schedule = await clients.scheduler.send(new GetScheduleCommand({ Name: `queuestack-${id}`, GroupName: "traced-delays" }));
        const attributes = (JSON.parse(schedule.Target!.Input!) as { MessageAttributes: Record<string, { StringValue: string }> }).MessageAttributes;
        assert.equal(attributes.traceparent?.StringValue, `00-${send!.spanContext().traceId}-${send!.spanContext().spanId}-01`);
    });
});
