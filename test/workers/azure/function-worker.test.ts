import { strict as assert } from "node:assert";
import { createServiceBusFunctionHandler, serviceBusTriggerOptions } from "../../../workers/azure/function-handler";
import { azureWorkerFromEnv } from "../../../workers/azure/worker-setup";
import { ConfigError, defineWorker, PermanentError, type WorkerDefinition } from "../../../workers/runtime";
import { capturedLogger } from "../helpers/capture-logs";
import { CosmosContainerFake } from "./cosmos-fake";
import { ServiceBusFake } from "./service-bus-fake";
import { azureWorkerEnv, queueName } from "./env";
type Handler = ReturnType<typeof createServiceBusFunctionHandler>;

/**
 * The Functions host's Service Bus trigger with `autoCompleteMessages: true`, on the ServiceBus
 * fake: receives one message under peek-lock, invokes the function with the trigger metadata the
 * host passes (its delivery count counts this delivery), completes it when the function returns
 * and abandons it when the function throws. Returns false when the queue is empty.
 */
async function hostInvokesOnce(bus: ServiceBusFake, handler: Handler): Promise<boolean> {
    const [received] = bus.receiveNow(queueName, 1);
    if (!received) return false;
    const triggerMetadata = {
        messageId: received.messageId,
        deliveryCount: (received.deliveryCount ?? 0) + 1,
        enqueuedTimeUtc: received.enqueuedTimeUtc?.toISOString(),
        applicationProperties: received.applicationProperties,
    };
    try {
        await handler(received.body, { invocationId: "inv-1", triggerMetadata });
        bus.settle(queueName, received, "complete");
    } catch {
        bus.settle(queueName, received, "abandon");
    }
    return true;
}

function setup(worker: WorkerDefinition<any>, env: Record<string, string> = azureWorkerEnv()) { // eslint-disable-line @typescript-eslint/no-explicit-any
    const bus = new ServiceBusFake();
    bus.addQueue(queueName, { maxDeliveryCount: 3, lockDurationMs: 5000 });
    const container = new CosmosContainerFake({ defaultTtlSeconds: 86_400, now: () => new Date() });
    const { logger, lines } = capturedLogger();
    let store: ReturnType<typeof azureWorkerFromEnv>["store"] | undefined;
    const handler = createServiceBusFunctionHandler(() => {
        const azure = azureWorkerFromEnv(worker, env, logger, container);
        store = azure.store;
        return azure;
    }, logger);
    return { bus, handler, lines, store: () => store! };
}

const send = (bus: ServiceBusFake, id: string, body: unknown) => bus.send(queueName, [{ messageId: id, body: JSON.stringify(body), applicationProperties: { source: "test" } }]);

describe("azure: Functions Service Bus trigger on the ServiceBus fake (host auto-completes on return, abandons on throw)", () => {
    it("registers an identity-based trigger on the queue setting that completes on success and abandons on failure", () => {
        assert.deepEqual(serviceBusTriggerOptions({ QUEUESTACK_QUEUE_SESSIONS: "true" }), {
            connection: "ServiceBusConnection",
            queueName: "%QUEUESTACK_QUEUE_NAME%",
            isSessionsEnabled: true,
            autoCompleteMessages: true,
            cardinality: "one",
        });
        assert.equal(serviceBusTriggerOptions({ QUEUESTACK_QUEUE_SESSIONS: "false" }).isSessionsEnabled, false);
    });

    it("a successful invocation completes the message and stores its result under the message id", async () => {
        const { bus, handler, store } = setup(defineWorker<{ n: number }>({ handle: (m) => ({ n: m.body.n, attempt: m.attempt }) }));
        send(bus, "m-1", { n: 7 });
        assert.equal(await hostInvokesOnce(bus, handler), true);
        assert.equal(bus.active(queueName).length, 0);
        assert.equal(bus.deadLetters(queueName).length, 0);
        assert.deepEqual({ ...(await store().getJob("m-1")), at: undefined }, { status: "done", result: { n: 7, attempt: 1 }, at: undefined });
    });

    it("a poison message is abandoned on each delivery and reaches the dead-letter sub-queue after maxDeliveryCount, intact", async () => {
        const attempts: number[] = [];
        const { bus, handler } = setup(defineWorker({ handle: (m) => { attempts.push(m.attempt); throw new Error("parser crashed"); } }));
        send(bus, "poison", { url: "https://example.com/poison" });
        while (await hostInvokesOnce(bus, handler));
        assert.deepEqual(attempts, [1, 2, 3]);
        assert.equal(bus.calls.abandon, 3);
        assert.equal(bus.calls.complete, 0);
        const [dead] = bus.deadLetters(queueName);
        assert.equal(bus.deadLetters(queueName).length, 1);
        assert.equal(dead.body, JSON.stringify({ url: "https://example.com/poison" }));
        assert.deepEqual(dead.applicationProperties, { source: "test" });
        assert.equal(dead.deadLetterReason, "MaxDeliveryCountExceeded");
    });

    it("a permanent error runs the handler once; redeliveries fail fast until the dead-letter queue; the reason is in the job record", async () => {
        let runs = 0;
        const { bus, handler, store } = setup(defineWorker({ handle: () => { runs++; throw new PermanentError("not an HTML page"); } }));
        send(bus, "pdf", { url: "https://example.com/a.pdf" });
        while (await hostInvokesOnce(bus, handler));
        assert.equal(runs, 1);
        assert.equal(bus.deadLetters(queueName).length, 1);
        assert.equal(bus.calls.complete, 0);
        assert.deepEqual({ ...(await store().getJob("pdf")), at: undefined }, { status: "dead-letter", reason: "not an HTML page", attempt: 1, at: undefined });
    });

    it("ends the attempt before the host's functionTimeout: the worker timeout less 2 s", async () => {
        const { bus, handler, store } = setup(defineWorker({ handle: (_m, { signal }) => new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason))) }), { ...azureWorkerEnv(), QUEUESTACK_WORKER_TIMEOUT_SECONDS: "3" });
        send(bus, "stuck", { n: 1 });
        const started = Date.now();
        await hostInvokesOnce(bus, handler);
        const took = Date.now() - started;
        assert.ok(took >= 950 && took < 1500, `the attempt took ${took} ms; expected about 1000 (3 s - 2 s)`);
        assert.equal(bus.calls.abandon, 1);
        // The runtime counts the attempt's time from the handler's start, a few ms after the invocation began.
        const job = await store().getJob("stuck");
        assert.deepEqual({ ...job, reason: undefined, at: undefined }, { status: "retrying", reason: undefined, attempt: 1, at: undefined });
        assert.match((job as { reason: string }).reason, /^AttemptTimeout: the handler did not finish within (1 s|9[5-9]\d ms)$/);
    });

    it("a misconfigured app throws, so the message is abandoned, never completed", async () => {
        const { bus, handler, lines } = setup(defineWorker({ handle: () => "ok" }), { ...azureWorkerEnv(), QUEUESTACK_IDEMPOTENCY_ENABLED: "maybe" });
        send(bus, "m-2", { n: 1 });
        await assert.rejects(handler(JSON.stringify({ n: 1 }), { invocationId: "inv", triggerMetadata: {} }), ConfigError);
        await hostInvokesOnce(bus, handler);
        assert.equal(bus.calls.complete, 0);
        assert.equal(bus.calls.abandon, 1);
        assert.ok(lines.some((l) => l.level === "fatal" && /QUEUESTACK_IDEMPOTENCY_ENABLED must be "true" or "false"/.test(String((l.err as { message?: string })?.message))));
    });
});
