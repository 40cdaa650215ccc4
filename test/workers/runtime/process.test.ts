import { strict as assert } from "node:assert";
import {
    createProcessor,
    defineWorker,
    MemoryWorkerStore,
    PermanentError,
    type Message,
    type RawMessage,
    type RuntimeSettings,
} from "../../../workers/runtime";
import { capturedLogger } from "../helpers/capture-logs";
import { ManualClock } from "../helpers/clock";

const settings = (overrides: Partial<RuntimeSettings["idempotency"]> = {}): RuntimeSettings => ({
    idempotency: { enabled: true, key: "messageId", ttlSeconds: 3600, ...overrides },
    resultTtlSeconds: 86_400,
    timeoutSeconds: 30,
});

const raw = (id: string, body: unknown, attempt = 1): RawMessage => ({
    id,
    body: typeof body === "string" ? body : JSON.stringify(body),
    attributes: {},
    attempt,
    enqueuedAt: new Date("2026-01-01T00:00:00Z"),
});

/** A worker that records each message it runs and behaves as `behave` says. */
function recordingWorker(behave: (message: Message<{ url: string }>) => unknown = (m) => ({ scraped: m.body.url })) {
    const ran: string[] = [];
    const worker = defineWorker<{ url: string }>({
        handle(message) {
            ran.push(message.id);
            return behave(message);
        },
    });
    return { worker, ran };
}

describe("runtime: processMessage and the idempotency guard", () => {
    it("runs a message once and suppresses a duplicate delivery, returning the stored result", async () => {
        const { worker, ran } = recordingWorker();
        const store = new MemoryWorkerStore();
        const run = createProcessor({ worker, settings: settings(), store, logger: capturedLogger().logger, scope: "scrape" });

        assert.deepEqual(await run(raw("m-1", { url: "https://a.test/1" })), { kind: "done", result: { scraped: "https://a.test/1" } });
        assert.deepEqual(await run(raw("m-1", { url: "https://a.test/1" }, 2)), { kind: "duplicate", result: { scraped: "https://a.test/1" } });
        assert.deepEqual(ran, ["m-1"]);
        const job = await store.getJob("m-1");
        assert.equal(job?.status, "done");
        assert.deepEqual(job?.status === "done" && job.result, { scraped: "https://a.test/1" });
    });

    it("keys on body.<path>: a second message for the same URL is a duplicate, another URL runs", async () => {
        const { worker, ran } = recordingWorker();
        const store = new MemoryWorkerStore();
        const run = createProcessor({ worker, settings: settings({ key: "body.url" }), store, logger: capturedLogger().logger, scope: "scrape" });

        assert.equal((await run(raw("m-1", { url: "https://a.test/1" }))).kind, "done");
        assert.equal((await run(raw("m-2", { url: "https://a.test/1" }))).kind, "duplicate");
        assert.equal((await run(raw("m-3", { url: "https://a.test/2" }))).kind, "done");
        assert.deepEqual(ran, ["m-1", "m-3"]);
        const shared = await store.getJob("m-2");
        assert.deepEqual(shared?.status === "done" && shared.result, { scraped: "https://a.test/1" }, "the duplicate's job shows the shared result");
        assert.deepEqual(shared?.status === "done" && shared.duplicateOf, "m-1", "and names the message that did the work");
        const original = await store.getJob("m-1");
        assert.deepEqual(original?.status === "done" && Object.hasOwn(original, "duplicateOf"), false);
        // A redelivery of the original is not a duplicate of itself.
        await run(raw("m-1", { url: "https://a.test/1" }, 2));
        const redelivered = await store.getJob("m-1");
        assert.deepEqual(redelivered?.status === "done" && Object.hasOwn(redelivered, "duplicateOf"), false);
    });

    it("reads a completion stored before the message id was kept as the bare result", async () => {
        const { worker, ran } = recordingWorker();
        const store = new MemoryWorkerStore();
        const claimed = await store.claim("scrape#https://a.test/old", 30);
        assert.equal(claimed.status, "claimed");
        await store.complete("scrape#https://a.test/old", (claimed as { token: string }).token, { scraped: "old" }, 60);
        const run = createProcessor({ worker, settings: settings({ key: "body.url" }), store, logger: capturedLogger().logger, scope: "scrape" });
        assert.deepEqual(await run(raw("m-9", { url: "https://a.test/old" })), { kind: "duplicate", result: { scraped: "old" } });
        assert.deepEqual(ran, []);
        const job = await store.getJob("m-9");
        assert.deepEqual(job && { ...job, at: undefined }, { status: "done", result: { scraped: "old" }, at: undefined });
    });

    it("prefers the worker's own idempotencyKey over the configured one", async () => {
        const ran: string[] = [];
        const worker = defineWorker<{ tenant: string; n: number }>({
            idempotencyKey: (m) => `${m.body.tenant}/${m.body.n}`,
            handle: (m) => void ran.push(m.id),
        });
        const run = createProcessor({ worker, settings: settings({ key: "messageId" }), store: new MemoryWorkerStore(), logger: capturedLogger().logger, scope: "q" });
        await run(raw("m-1", { tenant: "t", n: 1 }));
        assert.equal((await run(raw("m-2", { tenant: "t", n: 1 }))).kind, "duplicate");
        assert.deepEqual(ran, ["m-1"]);
    });

    it("dead-letters a message whose body lacks the key, naming the path", async () => {
        const { worker, ran } = recordingWorker();
        const store = new MemoryWorkerStore();
        const run = createProcessor({ worker, settings: settings({ key: "body.url" }), store, logger: capturedLogger().logger, scope: "scrape" });
        const outcome = await run(raw("m-1", { link: "https://a.test" }));
        assert.deepEqual(outcome, { kind: "dead-letter", reason: "the message body has no value at body.url, the idempotency key" });
        assert.deepEqual(ran, []);
        assert.equal((await store.getJob("m-1"))?.status, "dead-letter");
    });

    it("dead-letters a body that is not JSON without running the handler", async () => {
        const { worker, ran } = recordingWorker();
        const run = createProcessor({ worker, settings: settings(), store: new MemoryWorkerStore(), logger: capturedLogger().logger, scope: "q" });
        const outcome = await run(raw("m-1", "{not json"));
        assert.equal(outcome.kind, "dead-letter");
        assert.match(outcome.kind === "dead-letter" ? outcome.reason : "", /^the message body is not valid input: SyntaxError: /);
        assert.deepEqual(ran, []);
    });

    it("re-claims a key whose holder crashed once its lease expires, and not before", async () => {
        const clock = new ManualClock();
        const store = new MemoryWorkerStore(clock.now);
        const { worker, ran } = recordingWorker();
        const run = createProcessor({ worker, settings: settings(), store, logger: capturedLogger().logger, scope: "scrape" });

        // A first delivery claimed the key and its worker died before completing.
        const crashed = await store.claim("scrape#m-1", 35);
        assert.equal(crashed.status, "claimed");

        const during = await run(raw("m-1", { url: "https://a.test/1" }, 2));
        assert.deepEqual(during, { kind: "retry", reason: "another delivery holds scrape#m-1 until 2026-01-01T00:00:35.000Z", heldUntil: new Date("2026-01-01T00:00:35.000Z") });
        assert.deepEqual(ran, []);

        clock.advanceSeconds(34);
        assert.equal((await run(raw("m-1", { url: "https://a.test/1" }, 3))).kind, "retry");
        clock.advanceSeconds(1);
        assert.equal((await run(raw("m-1", { url: "https://a.test/1" }, 4))).kind, "done");
        assert.deepEqual(ran, ["m-1"]);
    });

    it("sends a PermanentError to the dead-letter outcome with its reason and records it", async () => {
        const { worker } = recordingWorker(() => {
            throw new PermanentError("https://a.test/file.pdf is application/pdf, not an HTML page");
        });
        const store = new MemoryWorkerStore();
        const run = createProcessor({ worker, settings: settings(), store, logger: capturedLogger().logger, scope: "q" });
        const reason = "https://a.test/file.pdf is application/pdf, not an HTML page";
        assert.deepEqual(await run(raw("m-1", { url: "https://a.test/file.pdf" })), { kind: "dead-letter", reason });
        const job = await store.getJob("m-1");
        assert.deepEqual(job && { ...job, at: undefined }, { status: "dead-letter", reason, attempt: 1, at: undefined });
    });

    it("short-circuits a redelivered message already dead-lettered, without running the handler again", async () => {
        let calls = 0;
        const { worker } = recordingWorker(() => {
            calls++;
            throw new PermanentError("not HTML");
        });
        const run = createProcessor({ worker, settings: settings(), store: new MemoryWorkerStore(), logger: capturedLogger().logger, scope: "q" });
        await run(raw("m-1", { url: "u" }));
        assert.deepEqual(await run(raw("m-1", { url: "u" }, 2)), { kind: "dead-letter", reason: "not HTML" });
        assert.equal(calls, 1);
    });

    it("retries an ordinary error, releases the claim so the next delivery runs, and records the reason", async () => {
        let failures = 1;
        const { worker, ran } = recordingWorker(() => {
            if (failures-- > 0) throw new Error("GET https://a.test/1 answered 503 Service Unavailable");
            return "ok";
        });
        const store = new MemoryWorkerStore();
        const run = createProcessor({ worker, settings: settings(), store, logger: capturedLogger().logger, scope: "q" });

        assert.deepEqual(await run(raw("m-1", { url: "https://a.test/1" })), { kind: "retry", reason: "Error: GET https://a.test/1 answered 503 Service Unavailable" });
        const job = await store.getJob("m-1");
        assert.equal(job?.status === "retrying" && job.reason, "Error: GET https://a.test/1 answered 503 Service Unavailable");
        assert.deepEqual(await run(raw("m-1", { url: "https://a.test/1" }, 2)), { kind: "done", result: "ok" });
        assert.deepEqual(ran, ["m-1", "m-1"]);
    });

    it("times an attempt out at its deadline, aborts the handler's signal, and keeps the claim for its lease", async () => {
        let aborted = false;
        const worker = defineWorker({
            handle: (_m, { signal }) =>
                new Promise((resolve) => signal.addEventListener("abort", () => ((aborted = true), resolve("late")))),
        });
        const store = new MemoryWorkerStore();
        const run = createProcessor({ worker, settings: settings(), store, logger: capturedLogger().logger, scope: "q" });
        const outcome = await run(raw("m-1", {}), { deadline: new Date(Date.now() + 50) });
        assert.equal(outcome.kind, "retry");
        assert.match(outcome.kind === "retry" ? outcome.reason : "", /^AttemptTimeout: the handler did not finish within (4\d|50) ms$/);
        assert.equal(aborted, true);
        assert.equal((await store.claim("q#m-1", 10)).status, "in-progress");
    });

    it("starts the attempt's clock with the handler, so a slow idempotency store does not time the handler out", async () => {
        /** A store whose claim answers after 1.1 s, longer than the whole 1 s attempt. */
        class SlowClaimStore extends MemoryWorkerStore {
            override async claim(key: string, leaseSeconds: number) {
                await new Promise((resolve) => setTimeout(resolve, 1100));
                return super.claim(key, leaseSeconds);
            }
        }
        const { worker, ran } = recordingWorker(() => new Promise((resolve) => setTimeout(() => resolve("ok"), 20)));
        const store = new SlowClaimStore();
        const run = createProcessor({ worker, settings: { ...settings(), timeoutSeconds: 1 }, store, logger: capturedLogger().logger, scope: "q" });
        assert.deepEqual(await run(raw("m-1", { url: "https://a.test/1" })), { kind: "done", result: "ok" });
        assert.deepEqual(ran, ["m-1"]);
        assert.equal((await store.getJob("m-1"))?.status, "done");
    });

    it("runs without a store when the guard is disabled, so duplicates run again", async () => {
        const { worker, ran } = recordingWorker();
        const run = createProcessor({ worker, settings: settings({ enabled: false }), logger: capturedLogger().logger, scope: "q" });
        await run(raw("m-1", { url: "u" }));
        await run(raw("m-1", { url: "u" }, 2));
        assert.deepEqual(ran, ["m-1", "m-1"]);
    });

    it("refuses an enabled guard without a store", () => {
        const { worker } = recordingWorker();
        assert.throws(
            () => createProcessor({ worker, settings: settings(), logger: capturedLogger().logger, scope: "q" }),
            { message: "createProcessor: the idempotency guard is enabled but no store was given" },
        );
    });

    it("logs one JSON line per outcome carrying the message id, attempt and outcome", async () => {
        const { worker } = recordingWorker();
        const { logger, lines } = capturedLogger();
        const run = createProcessor({ worker, settings: settings(), store: new MemoryWorkerStore(), logger, scope: "q" });
        await run(raw("m-9", { url: "u" }, 1));
        assert.equal(lines.length, 1);
        const [line] = lines;
        assert.equal(line.msg, "message done");
        assert.equal(line.level, "info");
        assert.equal(line.service, "test-worker");
        assert.equal(line.messageId, "m-9");
        assert.equal(line.attempt, 1);
        assert.equal(line.outcome, "done");
        assert.equal(typeof line.durationMs, "number");
        assert.match(String(line.time), /^\d{4}-\d\d-\d\dT/);
        assert.equal("correlationId" in line, false, "no correlation id was sent");
    });

    it("carries the message's correlation id (attribute queuestack-correlation-id) on its log lines", async () => {
        const { worker } = recordingWorker();
        const { logger, lines } = capturedLogger();
        const run = createProcessor({ worker, settings: settings(), store: new MemoryWorkerStore(), logger, scope: "q" });
        await run({ ...raw("m-10", { url: "u" }), attributes: { "queuestack-correlation-id": "req-42" } });
        assert.deepEqual(lines.map((line) => [line.messageId, line.correlationId, line.outcome]), [["m-10", "req-42", "done"]]);
    });
});
