import { strict as assert } from "node:assert";
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { listDeadLetters, redrive } from "../../operations/redrive";
import { GcpTarget } from "../../operations/targets/gcp";
import { createFrontEndHandler } from "../../workers/gcp/front-end-handler";
import { googleApi, type GoogleApiCall } from "../../workers/gcp/google-api";
import { PubsubPoller } from "../../workers/gcp/poller";
import { gcpWorkerFromEnv } from "../../workers/gcp/worker-setup";
import { startTracing, type Tracing } from "../../workers/runtime/tracing";
import { capturedLogger } from "../workers/helpers/capture-logs";
import { gcloudAvailable, startEmulator, type Emulator } from "../workers/gcp/emulators";
import { createQueue, response, workerEnv } from "../workers/gcp/pubsub-fixtures";
import { deadLetteredAndRedrivenTree, failsOnceTree } from "./expected-trees";
import flakyWorker, { repaired } from "./fixtures/flaky-worker";
import { spanTree } from "./span-tree";

/** Pub/Sub's smallest maxDeliveryAttempts, which the fixture queue uses: the dead-lettered job fails this many times. */
const maxDeliveryAttempts = 5;

describe("tracing on the Pub/Sub emulator: the front end's trace context travels in Pub/Sub attributes to every attempt and through a redrive", function () {
    this.timeout(120_000);
    const exporter = new InMemorySpanExporter();
    let emulators: Emulator[] = [];
    let pubsub: GoogleApiCall;
    let firestore: GoogleApiCall;
    let tracing: Tracing | undefined;

    before(async function () {
        if (!gcloudAvailable()) this.skip();
        emulators = await Promise.all([startEmulator("pubsub"), startEmulator("firestore")]);
        pubsub = googleApi({ baseUrl: "https://pubsub.googleapis.com", emulatorHost: emulators[0]!.hostPort });
        firestore = googleApi({ baseUrl: "https://firestore.googleapis.com", emulatorHost: emulators[1]!.hostPort });
        tracing = startTracing({ serviceName: "pubsub-test", processors: [new SimpleSpanProcessor(exporter)], env: {} });
    });
    after(async () => {
        await tracing?.shutdown();
        await Promise.all(emulators.map((emulator) => emulator.stop()));
    });

    /** Posts `body` through the GCP front end to queue "traced" (its topic named `name`); returns the job id, the queue and how to run the VM poller on it. */
    async function postJob(name: string, body: object) {
        const queue = await createQueue(pubsub, name);
        const { logger } = capturedLogger();
        const env = { ...workerEnv("traced"), QUEUESTACK_IDEMPOTENCY_ENABLED: "false", QUEUESTACK_MAX_RECEIVE_COUNT: String(maxDeliveryAttempts) };
        const { processor, store } = gcpWorkerFromEnv(flakyWorker, env, logger, firestore);
        const frontEnd = createFrontEndHandler({ queues: { traced: { levels: [{ topic: queue.topic }], ordered: false, maxDelaySeconds: 0, maxMessageKb: 256 } }, maxBodyBytes: 1024, pubsub, jobs: store, logger });
        const { res, answer } = response();
        await frontEnd({ method: "POST", path: "/queues/traced/messages", headers: {}, rawBody: Buffer.from(JSON.stringify(body)) }, res);
        assert.equal(answer.status, 202);
        /** Runs the VM poller until `until` holds (checked between polls of 100 ms). */
        const poll = async (until: (poller: PubsubPoller) => Promise<boolean> | boolean) => {
            const poller = new PubsubPoller({ processor, api: pubsub, subscription: queue.subscription, logger, concurrency: 1, ackDeadlineSeconds: 10, drainSeconds: 1, idleMs: 50, longPoll: false });
            const running = poller.run();
            try {
                for (let i = 0; i < 600 && !(await until(poller)); i++) await new Promise((resolve) => setTimeout(resolve, 100));
            } finally {
                poller.stop();
                await running;
            }
            return poller.counts;
        };
        return { id: answer.body.messageId as string, queue, poll };
    }

    it("traces a job that fails once and then succeeds: the request, the send, attempts 1 and 2 under it, each settled", async () => {
        const { id, poll } = await postJob("traced-once", { mode: "fail-once" });
        const counts = await poll((p) => p.counts.acked >= 1);
        assert.deepEqual([counts.acked, counts.nacked], [1, 1]);
        const spans = exporter.getFinishedSpans();
        assert.deepEqual(spanTree(spans, id), failsOnceTree("traced", "Error: the first attempt fails"));
        const about = spans.filter((s) => s.attributes["messaging.message.id"] === id);
        assert.deepEqual([...new Set(about.map((s) => s.attributes["messaging.system"]))], ["gcp_pubsub"]);
        assert.equal(new Set(about.map((s) => s.spanContext().traceId)).size, 1, "one trace for the whole job");
    });

    it(`traces a job that dead-letters after ${maxDeliveryAttempts} attempts and is redriven: the redrive is a new trace linked to the send`, async () => {
        const { id, queue, poll } = await postJob("traced-dlq", { mode: "broken", key: "pubsub" });
        const target = new GcpTarget({ project: "pubsub-test", endpoint: emulators[0]!.hostPort, queues: { traced: { subscription: queue.subscription, deadLetterSubscription: queue.deadLetterSubscription } } });
        try {
            // Pub/Sub moves the message to the dead-letter topic after its last attempt; listing leaves it there.
            await poll(async () => (await listDeadLetters(target.deadLetters("traced"), 10)).length > 0);
            repaired.add("pubsub");
            const [deadLetter] = await listDeadLetters(target.deadLetters("traced"), 10);
            assert.deepEqual(await redrive(target, "traced"), { moved: 1, missing: [] });
            await poll((p) => p.counts.acked >= 1);
            // The dead-letter queue names the message by its own id; the redrive span's link carries that id.
            assert.deepEqual(spanTree(exporter.getFinishedSpans(), [id, deadLetter!.id]), deadLetteredAndRedrivenTree("traced", "Error: the page is broken", maxDeliveryAttempts));
        } finally {
            await target.close();
        }
        const [send] = exporter.getFinishedSpans().filter((s) => s.name === "send traced" && s.attributes["messaging.message.id"] === id);
        const [redriveSpan] = exporter.getFinishedSpans().filter((s) => s.name === "redrive traced");
        assert.notEqual(redriveSpan!.spanContext().traceId, send!.spanContext().traceId, "the redrive is a trace of its own");
        assert.deepEqual(redriveSpan!.links.map((l) => [l.context.traceId, l.context.spanId]), [[send!.spanContext().traceId, send!.spanContext().spanId]]);
    });
});
