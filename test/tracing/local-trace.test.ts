import { strict as assert } from "node:assert";
import { rmSync } from "node:fs";
import * as path from "node:path";
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { startLocalStack, type LocalStack } from "../../local/runner";
import { localTracingRequested } from "../../local/tracing/local-tracing";
import { capturedLogger } from "../workers/helpers/capture-logs";
import { waitFor, writeStack } from "../local/helpers";
import { repaired } from "./fixtures/flaky-worker";
import { deadLetteredAndRedrivenTree, failsOnceTree } from "./expected-trees";
import { spanTree } from "./span-tree";

describe("tracing on the local target: one trace per job, through retries, the dead-letter queue and redrive", function () {
    this.timeout(30_000);
    const exporter = new InMemorySpanExporter();
    let dir: string;
    let stack: LocalStack;

    const post = async (body: object) => {
        const response = await fetch(`${stack.url}/queues/scrape/messages`, { method: "POST", headers: { "content-type": "application/json", "x-api-key": stack.apiKey! }, body: JSON.stringify(body) });
        assert.equal(response.status, 202);
        return ((await response.json()) as { messageId: string }).messageId;
    };
    const spansNamed = (id: string, name: string) => exporter.getFinishedSpans().filter((s) => s.name === name && s.attributes["messaging.message.id"] === id);
    const settled = (id: string, name: string, count = 1) => waitFor(`${count} ${name} span(s) for ${id}`, () => (spansNamed(id, name).length >= count ? true : undefined));

    before(async () => {
        dir = writeStack("test", {
            name: "traced",
            queues: [{ name: "scrape", maxReceiveCount: 2, processingTimeSeconds: 5 }],
            workers: [{ name: "flaky", queue: "scrape", code: path.join(__dirname, "fixtures", "flaky-worker"), concurrency: 2, idempotency: { enabled: false } }],
        });
        stack = await startLocalStack({ stack: "test", dir, port: 0, tracing: true, logger: capturedLogger().logger, retryBaseSeconds: 0.05, pollIntervalMs: 20, drainSeconds: 0.2, spanProcessors: [new SimpleSpanProcessor(exporter)] });
    });
    after(async () => {
        await stack?.stop();
        rmSync(dir, { recursive: true, force: true });
    });

    it("traces a job that fails once and then succeeds: accepted, sent, two attempts under the send, each settled", async () => {
        const id = await post({ mode: "fail-once" });
        await settled(id, "ack scrape");
        assert.deepEqual(spanTree(exporter.getFinishedSpans(), id), failsOnceTree("scrape", "Error: the first attempt fails"));
        const spans = exporter.getFinishedSpans().filter((s) => s.attributes["messaging.message.id"] === id);
        assert.equal(new Set(spans.map((s) => s.spanContext().traceId)).size, 1, "one trace for the whole job");
        assert.deepEqual([...new Set(spans.map((s) => s.attributes["messaging.system"]))], ["queuestack_local"]);
        const correlated = spans.filter((s) => s.attributes["messaging.message.conversation_id"] === id).map((s) => s.name);
        assert.deepEqual(correlated, ["send scrape", "process scrape", "process scrape"], "the correlation id (the job id when none is sent) on sends and attempts");
    });

    it("traces a job that dead-letters and is redriven: the redrive starts a new trace linked to the job's send", async () => {
        const id = await post({ mode: "broken", key: "dlq" });
        await settled(id, "dead_letter scrape");
        repaired.add("dlq");
        const response = await fetch(`${stack.url}/api/queues/scrape/redrive`, { method: "POST", headers: { "x-api-key": stack.apiKey! }, body: JSON.stringify({ ids: [id] }) });
        assert.deepEqual(await response.json(), { redriven: 1 });
        await settled(id, "ack scrape");
        assert.deepEqual(spanTree(exporter.getFinishedSpans(), id), deadLetteredAndRedrivenTree("scrape", "Error: the page is broken", 2));
        const [send] = spansNamed(id, "send scrape");
        const [redrive] = exporter.getFinishedSpans().filter((s) => s.name === "redrive scrape");
        assert.notEqual(redrive!.spanContext().traceId, send!.spanContext().traceId, "the redrive is a trace of its own");
        assert.deepEqual(redrive!.links.map((l) => [l.context.traceId, l.context.spanId, l.attributes]), [[send!.spanContext().traceId, send!.spanContext().spanId, { "messaging.message.id": id }]]);

        // The runner's own store feeds the dashboard's timeline with the same spans.
        const timeline = await waitFor("the stored timeline", async () => {
            const answer = await fetch(`${stack.url}/api/jobs/${id}/trace`, { headers: { "x-api-key": stack.apiKey! } });
            const body = (await answer.json()) as { steps: { kind: string; label: string; failed: boolean }[] };
            return body.steps?.[0]?.kind === "accepted" && body.steps.at(-1)?.label === "attempt 1: done" ? body.steps : undefined;
        });
        assert.deepEqual(timeline.map((s) => [s.kind, s.kind === "waited" ? s.label.replace(/\d+ ms/, "N ms") : s.label, s.failed]), [
            ["accepted", "accepted (POST /queues/{queue}/messages -> 202)", false],
            ["waited", "waited N ms in the queue", false],
            ["attempt", "attempt 1 failed: Error: the page is broken", true],
            ["waited", "waited N ms in the queue", false],
            ["attempt", "attempt 2 failed: Error: the page is broken", true],
            ["dead-lettered", "dead-lettered: Error: the page is broken", true],
            ["redriven", "redriven to scrape", false],
            ["waited", "waited N ms in the queue", false],
            ["attempt", "attempt 1: done", false],
        ]);
    });
});

describe("tracing on the local target is opt-in", function () {
    this.timeout(30_000);

    it("is on for QUEUESTACK_TRACING=on or an OTLP endpoint, off otherwise and for QUEUESTACK_TRACING=off", () => {
        const cases: [NodeJS.ProcessEnv, boolean][] = [
            [{}, false],
            [{ QUEUESTACK_TRACING: "on" }, true],
            [{ QUEUESTACK_TRACING: "true" }, true],
            [{ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" }, true],
            [{ OTEL_TRACES_EXPORTER: "otlp" }, true],
            [{ QUEUESTACK_TRACING: "off", OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" }, false],
            [{ OTEL_TRACES_EXPORTER: "none", OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" }, false],
        ];
        assert.deepEqual(cases.map(([env]) => localTracingRequested(env)), cases.map(([, on]) => on));
    });

    it("without it, records no span and the timeline says how to turn tracing on", async () => {
        const exporter = new InMemorySpanExporter();
        const dir = writeStack("untraced", {
            name: "untraced",
            queues: [{ name: "scrape" }],
            workers: [{ name: "flaky", queue: "scrape", code: path.join(__dirname, "fixtures", "flaky-worker"), idempotency: { enabled: false } }],
        });
        const stack = await startLocalStack({ stack: "untraced", dir, port: 0, tracing: false, logger: capturedLogger().logger, pollIntervalMs: 20, drainSeconds: 0.2, spanProcessors: [new SimpleSpanProcessor(exporter)] });
        try {
            const posted = await fetch(`${stack.url}/queues/scrape/messages`, { method: "POST", headers: { "content-type": "application/json", "x-api-key": stack.apiKey! }, body: JSON.stringify({ mode: "fine" }) });
            const { messageId } = (await posted.json()) as { messageId: string };
            await waitFor("the job to finish", async () => ((await stack.store.getJob(messageId))?.status === "done" ? true : undefined));
            const answer = await fetch(`${stack.url}/api/jobs/${messageId}/trace`, { headers: { "x-api-key": stack.apiKey! } });
            assert.equal(answer.status, 404);
            assert.deepEqual(await answer.json(), { error: "This runner records no traces: tracing is opt-in locally. Restart it with `npm start -- --trace` (or QUEUESTACK_TRACING=on), and without OTEL_SDK_DISABLED=true." });
            assert.deepEqual(exporter.getFinishedSpans(), []);
        } finally {
            await stack.stop();
            rmSync(dir, { recursive: true, force: true });
        }
    });
});
