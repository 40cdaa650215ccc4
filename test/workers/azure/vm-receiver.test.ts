import { strict as assert } from "node:assert";
import { ServiceBusQueueReceiver } from "../../../workers/azure/receiver";
import { azureWorkerFromEnv } from "../../../workers/azure/worker-setup";
import { defineWorker, PermanentError, type WorkerDefinition } from "../../../workers/runtime";
import { capturedLogger } from "../helpers/capture-logs";
import { CosmosContainerFake } from "./cosmos-fake";
import { azureWorkerEnv, queueName } from "./env";
import { ServiceBusFake } from "./service-bus-fake";


async function until(condition: () => boolean, timeoutMs: number, what: string) {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
    }
}

function setup(worker: WorkerDefinition<any>, options: { maxDeliveryCount?: number; lockDurationMs?: number; concurrency?: number; sessions?: boolean; drainSeconds?: number; retryDelayMs?: number } = {}) { // eslint-disable-line @typescript-eslint/no-explicit-any
    const bus = new ServiceBusFake();
    const lockDurationMs = options.lockDurationMs ?? 1000;
    bus.addQueue(queueName, { maxDeliveryCount: options.maxDeliveryCount ?? 3, lockDurationMs, requiresSession: options.sessions });
    const container = new CosmosContainerFake({ defaultTtlSeconds: 86_400, now: () => new Date() });
    const { logger, lines } = capturedLogger();
    const azure = azureWorkerFromEnv(worker, azureWorkerEnv(options.sessions), logger, container);
    const client = bus.client();
    const receiver = new ServiceBusQueueReceiver({
        processor: azure.processor,
        client,
        queueName: azure.queueName,
        sessions: azure.sessions,
        logger,
        concurrency: options.concurrency ?? 4,
        lockDurationSeconds: lockDurationMs / 1000,
        drainSeconds: options.drainSeconds ?? 5,
        receiveWaitMs: 50,
        retryDelayMs: () => options.retryDelayMs ?? 20,
    });
    return { bus, receiver, client, store: azure.store, lines };
}

const message = (body: unknown, extra: Record<string, unknown> = {}) => ({ body: JSON.stringify(body), applicationProperties: { source: "test" }, ...extra });

describe("azure: VM receiver on the ServiceBus fake (peek-lock, lock expiry, delivery count, dead-lettering)", function () {
    this.timeout(15_000);

    it("completes every successful message once: exact counts, nothing left, results stored", async () => {
        const seen: number[] = [];
        const { bus, receiver, client, store } = setup(defineWorker<{ n: number }>({ handle: async ({ body }) => (seen.push(body.n), { doubled: body.n * 2 }) }));
        bus.send(queueName, Array.from({ length: 20 }, (_, n) => message({ n }, { messageId: `m-${n}` })));
        const run = receiver.run();
        await until(() => receiver.counts.completed === 20, 5000, "20 completions");
        const counts = await receiver.stop();
        await run;
        assert.deepEqual(seen.sort((a, b) => a - b), Array.from({ length: 20 }, (_, n) => n));
        assert.deepEqual({ ...counts, lockRenewals: 0 }, { received: 20, completed: 20, abandoned: 0, deadLettered: 0, lockRenewals: 0, returnedOnStop: 0 });
        assert.equal(bus.active(queueName).length, 0);
        assert.equal(bus.deadLetters(queueName).length, 0);
        assert.deepEqual({ ...(await store.getJob("m-7")), at: undefined }, { status: "done", result: { doubled: 14 }, at: undefined });
        assert.equal(client.closed, true, "the client is closed once stopped");
    });

    it("abandons a retryable failure after its pause; Service Bus redelivers it with the delivery count raised", async () => {
        const attempts: number[] = [];
        const times: number[] = [];
        const worker = defineWorker({
            handle: async (m) => {
                attempts.push(m.attempt);
                times.push(Date.now());
                if (m.attempt === 1) throw new Error("upstream 503");
                return "ok";
            },
        });
        const { bus, receiver, store } = setup(worker, { retryDelayMs: 300 });
        bus.send(queueName, [message({ url: "https://example.com/a" }, { messageId: "flaky" })]);
        const run = receiver.run();
        await until(() => receiver.counts.completed === 1, 5000, "the redelivery to complete");
        await receiver.stop();
        await run;
        assert.deepEqual(attempts, [1, 2]);
        assert.ok(times[1] - times[0] >= 300, `redelivered ${times[1] - times[0]} ms after the failure; the pause is 300 ms`);
        assert.equal(receiver.counts.abandoned, 1);
        assert.equal(bus.calls.abandon, 1);
        assert.equal(bus.deadLetters(queueName).length, 0);
        assert.equal((await store.getJob("flaky"))?.status, "done");
    });

    it("sends a poison message to the dead-letter sub-queue after maxDeliveryCount with body, properties and reason intact", async () => {
        let runs = 0;
        const { bus, receiver, store } = setup(defineWorker({ handle: async () => { runs++; throw new Error("parser crashed"); } }), { maxDeliveryCount: 3 });
        bus.send(queueName, [message({ url: "https://example.com/poison" }, { messageId: "poison", applicationProperties: { source: "test", tenant: "t1" } })]);
        const run = receiver.run();
        await until(() => bus.deadLetters(queueName).length === 1, 5000, "the dead letter");
        await receiver.stop();
        await run;
        const [dead] = bus.deadLetters(queueName);
        assert.equal(runs, 3);
        assert.equal(receiver.counts.abandoned, 3);
        assert.equal(dead.body, JSON.stringify({ url: "https://example.com/poison" }));
        assert.deepEqual(dead.applicationProperties, { source: "test", tenant: "t1" });
        assert.equal(dead.deadLetterReason, "MaxDeliveryCountExceeded");
        assert.equal(dead.deliveries, 3);
        assert.deepEqual({ ...(await store.getJob("poison")), at: undefined }, { status: "retrying", reason: "Error: parser crashed", attempt: 3, at: undefined });
        assert.equal(bus.active(queueName).length, 0);
    });

    it("dead-letters a permanent error at once with its reason, without retries", async () => {
        let runs = 0;
        const { bus, receiver } = setup(defineWorker({ handle: async () => { runs++; throw new PermanentError("not an HTML page (content-type application/pdf)"); } }), { maxDeliveryCount: 5 });
        bus.send(queueName, [message({ url: "https://example.com/file.pdf" }, { messageId: "pdf" })]);
        const run = receiver.run();
        await until(() => bus.deadLetters(queueName).length === 1, 5000, "the dead letter");
        await receiver.stop();
        await run;
        const [dead] = bus.deadLetters(queueName);
        assert.equal(runs, 1);
        assert.equal(dead.deliveries, 1);
        assert.equal(dead.deadLetterReason, "not an HTML page (content-type application/pdf)");
        assert.equal(dead.deadLetterErrorDescription, "dead-lettered by the worker on delivery 1: retrying cannot help");
        assert.deepEqual(dead.applicationProperties, { source: "test" });
        assert.equal(receiver.counts.deadLettered, 1);
        assert.equal(receiver.counts.abandoned, 0);
    });

    it("renews the lock while work outlasts it, so the message is delivered once and completed", async () => {
        let runs = 0;
        const { bus, receiver } = setup(defineWorker({ handle: async () => { runs++; await new Promise((r) => setTimeout(r, 1500)); return "slow"; } }), { lockDurationMs: 450 });
        bus.send(queueName, [message({ slow: true }, { messageId: "slow" })]);
        const run = receiver.run();
        await until(() => receiver.counts.completed === 1, 6000, "the slow message to complete");
        await receiver.stop();
        await run;
        assert.equal(runs, 1);
        assert.ok(bus.calls.renewMessageLock >= 4, `expected >= 4 renewals over 1.5 s with a 450 ms lock, got ${bus.calls.renewMessageLock}`);
        assert.equal(receiver.counts.abandoned, 0);
        assert.equal(bus.active(queueName).length, 0);
    });

    it("the fake expires an unrenewed lock: settling fails and the message comes back with one more delivery", async () => {
        const bus = new ServiceBusFake();
        bus.addQueue(queueName, { maxDeliveryCount: 5, lockDurationMs: 100 });
        bus.send(queueName, [message({ n: 1 })]);
        const [first] = bus.receiveNow(queueName, 1);
        assert.equal(first.deliveryCount, 0, "the SDK reports the AMQP count: 0 on the first delivery");
        await new Promise((r) => setTimeout(r, 150));
        assert.throws(() => bus.settle(queueName, first, "complete"), /MessageLockLost|has expired/);
        const [again] = bus.receiveNow(queueName, 1);
        assert.equal(again.deliveryCount, 1);
    });

    it("keeps each session's order: one receiver per session, a retried message comes back before later ones", async () => {
        const order = new Map<string, number[]>();
        const worker = defineWorker<{ n: number }>({
            handle: async (m) => {
                if (m.body.n === 2 && m.attempt === 1) throw new Error("retry once");
                order.set(m.groupKey!, [...(order.get(m.groupKey!) ?? []), m.body.n]);
            },
        });
        const { bus, receiver } = setup(worker, { sessions: true, concurrency: 2 });
        for (const session of ["a", "b"]) bus.send(queueName, [1, 2, 3].map((n) => message({ n }, { sessionId: session, messageId: `${session}-${n}` })));
        const run = receiver.run();
        await until(() => receiver.counts.completed === 6, 6000, "6 completions");
        await receiver.stop();
        await run;
        assert.deepEqual(Object.fromEntries(order), { a: [1, 2, 3], b: [1, 2, 3] });
        assert.equal(receiver.counts.abandoned, 2);
        assert.equal(bus.active(queueName).length, 0);
    });

    it("stop() cuts a retry pause short and abandons the failed message at once", async () => {
        const { bus, receiver } = setup(defineWorker({ handle: async () => { throw new Error("upstream 503"); } }), { retryDelayMs: 10_000 });
        bus.send(queueName, [message({ n: 1 }, { messageId: "failing" })]);
        const run = receiver.run();
        await until(() => receiver.counts.received === 1, 3000, "the delivery");
        await new Promise((r) => setTimeout(r, 50));
        const started = Date.now();
        const counts = await receiver.stop();
        await run;
        assert.ok(Date.now() - started < 1000, `stop took ${Date.now() - started} ms; the 10 s pause must not hold it`);
        assert.equal(counts.abandoned, 1);
        assert.deepEqual(bus.active(queueName).map((m) => [m.messageId, !!m.lock, m.deliveries]), [["failing", false, 1]]);
    });

    it("stop() finishes running work, receives nothing more, and abandons what outlives the drain time", async () => {
        const started: string[] = [];
        const worker = defineWorker<{ ms: number }>({ handle: async (m) => { started.push(m.id); await new Promise((r) => setTimeout(r, m.body.ms)); } });
        const { bus, receiver } = setup(worker, { concurrency: 2, drainSeconds: 0.4 });
        bus.send(queueName, [message({ ms: 100 }, { messageId: "short" }), message({ ms: 3000 }, { messageId: "long" }), message({ ms: 10 }, { messageId: "waiting" })]);
        const run = receiver.run();
        await until(() => started.length === 2, 3000, "two running");
        const counts = await receiver.stop();
        await run;
        assert.deepEqual(started.sort(), ["long", "short"]);
        assert.equal(counts.completed, 1, "the short message finished during the drain");
        assert.equal(counts.returnedOnStop, 1, "the long one went back to the queue");
        assert.deepEqual(bus.active(queueName).map((m) => [m.messageId, !!m.lock]).sort(), [["long", false], ["waiting", false]]);
    });
});
