import { strict as assert } from "node:assert";
import type { ServiceBusMessageBatch } from "@azure/service-bus";
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { redrive } from "../../operations/redrive";
import type { OpsTarget, TakenMessage } from "../../operations/targets/types";
import { frontEndFromEnv } from "../../workers/azure/front-end-setup";
import { ServiceBusQueueReceiver } from "../../workers/azure/receiver";
import { azureWorkerFromEnv } from "../../workers/azure/worker-setup";
import { startTracing, type Tracing } from "../../workers/runtime/tracing";
import { CosmosContainerFake } from "../workers/azure/cosmos-fake";
import { azureWorkerEnv } from "../workers/azure/env";
import { request } from "../workers/azure/http-request";
import { ServiceBusFake } from "../workers/azure/service-bus-fake";
import { capturedLogger } from "../workers/helpers/capture-logs";
import { deadLetteredAndRedrivenTree, failsOnceTree } from "./expected-trees";
import flakyWorker, { repaired } from "./fixtures/flaky-worker";
import { spanTree } from "./span-tree";

const maxDeliveryCount = 2;

/**
 * The CLI's redrive over the fake's `$deadletterqueue`, as AzureTarget does it on Service Bus
 * (receive, send a copy with the message id and application properties, complete): the redrive
 * op under test is the one `queuestack dlq redrive` runs.
 */
function fakeTarget(bus: ServiceBusFake, entity: string): OpsTarget {
    return {
        cloud: "azure",
        status: async () => ({ visible: bus.active(entity).length, deadLetters: bus.deadLetters(entity).length }),
        deadLetters: () => {
            let taken = false;
            return {
                take: async () => {
                    if (taken) return [];
                    taken = true;
                    return bus.deadLetters(entity).map((m): TakenMessage => ({ id: m.messageId, deduplicationId: m.messageId, body: String(m.body), attributes: Object.fromEntries(Object.entries(m.applicationProperties).map(([k, v]) => [k, String(v)])), handle: m }));
                },
                remove: async (messages) => {
                    const list = bus.deadLetters(entity);
                    for (const m of messages) list.splice(list.indexOf(m.handle as (typeof list)[number]), 1);
                },
                release: async () => undefined,
            };
        },
        send: async (_queue, messages) => {
            bus.send(entity, messages.map((m) => ({ body: m.body, contentType: "application/json", messageId: m.deduplicationId, applicationProperties: m.attributes })));
            return messages.map((m) => m.deduplicationId ?? "");
        },
        purgeDeadLetters: async () => undefined,
        close: async () => undefined,
    };
}

describe("tracing on the Service Bus fake: the front end's trace context travels in application properties to every attempt and through a redrive", function () {
    this.timeout(30_000);
    const exporter = new InMemorySpanExporter();
    let tracing: Tracing | undefined;
    before(() => {
        tracing = startTracing({ serviceName: "service-bus-test", processors: [new SimpleSpanProcessor(exporter)], env: {} });
    });
    after(async () => tracing?.shutdown());

    /** A Service Bus queue "traced" (maxDeliveryCount 2), the Azure front end and a VM receiver on it. */
    function setup() {
        const bus = new ServiceBusFake();
        bus.addQueue("traced", { maxDeliveryCount, lockDurationMs: 1000 });
        const { logger } = capturedLogger();
        const client = bus.client();
        const frontEnd = frontEndFromEnv({
            QUEUESTACK_SERVICEBUS_NAMESPACE: "sb-test.servicebus.windows.net",
            QUEUESTACK_QUEUES: JSON.stringify([{ name: "traced", entity: "traced", sessions: false }]),
            QUEUESTACK_AUTH: "none",
            QUEUESTACK_MAX_BODY_BYTES: "1024",
        }, logger, (entity) => {
            const sender = client.createSender(entity);
            return { createMessageBatch: () => sender.createMessageBatch(), sendMessages: (batch) => sender.sendMessages(batch as ServiceBusMessageBatch) };
        });
        const env = { ...azureWorkerEnv(), QUEUESTACK_QUEUE_NAME: "traced", QUEUESTACK_IDEMPOTENCY_ENABLED: "false", QUEUESTACK_MAX_RECEIVE_COUNT: String(maxDeliveryCount) };
        const azure = azureWorkerFromEnv(flakyWorker, env, logger, new CosmosContainerFake({ defaultTtlSeconds: 86_400, now: () => new Date() }));
        const post = async (body: object) => {
            const answer = await frontEnd(request("POST", "queues/traced/messages", JSON.stringify(body), {}));
            assert.equal(answer.status, 202);
            return (answer.jsonBody as { messageId: string }).messageId;
        };
        /** Runs a VM receiver until `until` holds (checked every 10 ms). */
        const receive = async (until: (receiver: ServiceBusQueueReceiver) => boolean) => {
            const receiver = new ServiceBusQueueReceiver({ processor: azure.processor, client: bus.client(), queueName: "traced", sessions: false, logger, concurrency: 1, lockDurationSeconds: 1, drainSeconds: 1, receiveWaitMs: 20, retryDelayMs: () => 10 });
            const running = receiver.run();
            try {
                for (let i = 0; i < 2000 && !until(receiver); i++) await new Promise((resolve) => setTimeout(resolve, 10));
            } finally {
                await receiver.stop();
                await running;
            }
            return receiver.counts;
        };
        return { bus, post, receive };
    }

    it("traces a job that fails once and then succeeds: the request, the send, attempts 1 and 2 under it, each settled", async () => {
        const { post, receive } = setup();
        const id = await post({ mode: "fail-once" });
        const counts = await receive((r) => r.counts.completed >= 1);
        assert.deepEqual([counts.completed, counts.abandoned], [1, 1]);
        const spans = exporter.getFinishedSpans();
        assert.deepEqual(spanTree(spans, id), failsOnceTree("traced", "Error: the first attempt fails", "/api"));
        const about = spans.filter((s) => s.attributes["messaging.message.id"] === id);
        assert.deepEqual([...new Set(about.map((s) => s.attributes["messaging.system"]))], ["servicebus"]);
        assert.equal(new Set(about.map((s) => s.spanContext().traceId)).size, 1, "one trace for the whole job");
    });

    it(`traces a job that dead-letters after ${maxDeliveryCount} deliveries and is redriven: the redrive is a new trace linked to the send`, async () => {
        const { bus, post, receive } = setup();
        const id = await post({ mode: "broken", key: "service-bus" });
        await receive(() => bus.deadLetters("traced").length > 0);
        assert.equal(bus.deadLetters("traced")[0]!.deadLetterReason, "MaxDeliveryCountExceeded");
        repaired.add("service-bus");
        assert.deepEqual(await redrive(fakeTarget(bus, "traced"), "traced"), { moved: 1, missing: [] });
        await receive((r) => r.counts.completed >= 1);
        assert.deepEqual(spanTree(exporter.getFinishedSpans(), id), deadLetteredAndRedrivenTree("traced", "Error: the page is broken", maxDeliveryCount, "/api"));
        const [send] = exporter.getFinishedSpans().filter((s) => s.name === "send traced" && s.attributes["messaging.message.id"] === id);
        const [redriveSpan] = exporter.getFinishedSpans().filter((s) => s.name === "redrive traced");
        assert.notEqual(redriveSpan!.spanContext().traceId, send!.spanContext().traceId, "the redrive is a trace of its own");
        assert.deepEqual(redriveSpan!.links.map((l) => [l.context.traceId, l.context.spanId, l.attributes]), [[send!.spanContext().traceId, send!.spanContext().spanId, { "messaging.message.id": id }]]);
    });
});
