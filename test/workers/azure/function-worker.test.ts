import { strict as assert } from "node:assert";
import { createServiceBusFunctionHandler, serviceBusTriggerOptions } from "../../../workers/azure/function-handler";
import { azureWorkerFromEnv } from "../../../workers/azure/worker-setup";
import { ConfigError, createProcessor, defineWorker, PermanentError, type WorkerDefinition, workerFromModule } from "../../../workers/runtime";
import { CosmosWorkerStore } from "../../../workers/azure/cosmos-store";
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
    await invoke(bus, handler, received);
    return true;
}

/** One invocation of a received message, settled as the host does (complete on return, abandon on throw). */
async function invoke(bus: ServiceBusFake, handler: Handler, received: ReturnType<ServiceBusFake["receiveNow"]>[number]): Promise<void> {
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
}

/**
 * A clock that runs with real time plus every wait the handler asked for, taken at once: the
 * handler's holds cost no test time, while the handler's own deadline stays real.
 */
function skippingClock() {
    let skipped = 0;
    const waits: number[] = [];
    const clock = {
        now: () => Date.now() + skipped,
        date: () => new Date(Date.now() + skipped),
        waits,
        /** Runs inside each wait, after the clock moved (a test lets other work happen there). */
        duringWait: async () => undefined as void,
        wait: async (ms: number) => {
            waits.push(ms);
            skipped += ms;
            await clock.duringWait();
        },
    };
    return clock;
}

function setup(worker: WorkerDefinition<any>, env: Record<string, string> = azureWorkerEnv(), invocationSeconds = 35) { // eslint-disable-line @typescript-eslint/no-explicit-any
    const bus = new ServiceBusFake();
    bus.addQueue(queueName, { maxDeliveryCount: 3, lockDurationMs: 5000 });
    const clock = skippingClock();
    const container = new CosmosContainerFake({ defaultTtlSeconds: 86_400, now: clock.date });
    const { logger, lines } = capturedLogger();
    let store: CosmosWorkerStore | undefined;
    /** Every idempotency claim: its answer, when (test clock) and, while held, when the lease ends. */
    const claims: { status: string; at: number; leaseEnds?: number }[] = [];
    const handler = createServiceBusFunctionHandler(() => {
        const azure = azureWorkerFromEnv(worker, env, logger, container);
        // The same store on the test's clock, so idempotency leases lapse as the handler waits.
        store = new CosmosWorkerStore({ container, now: clock.date });
        const claim = store.claim.bind(store);
        store.claim = async (key, leaseSeconds) => {
            const answer = await claim(key, leaseSeconds);
            claims.push({ status: answer.status, at: clock.now(), ...(answer.status === "in-progress" ? { leaseEnds: answer.leaseExpiresAt.getTime() } : {}) });
            return answer;
        };
        const processor = createProcessor({ worker: workerFromModule(worker, "test"), settings: azure.settings, store, logger, scope: queueName });
        return { ...azure, processor, store, invocationSeconds };
    }, logger, { now: clock.now, wait: clock.wait });
    return { bus, handler, lines, store: () => store!, clock, claims };
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
        const { bus, handler, clock } = setup(defineWorker({ handle: (m) => { attempts.push(m.attempt); throw new Error("parser crashed"); } }));
        send(bus, "poison", { url: "https://example.com/poison" });
        while (await hostInvokesOnce(bus, handler));
        assert.deepEqual(attempts, [1, 2, 3]);
        // Each failed delivery is held before the host abandons it: 1 s, doubling per delivery.
        assert.deepEqual(clock.waits, [1000, 2000, 4000]);
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
        const { bus, handler, store, clock } = setup(defineWorker({ handle: () => { runs++; throw new PermanentError("not an HTML page"); } }));
        send(bus, "pdf", { url: "https://example.com/a.pdf" });
        while (await hostInvokesOnce(bus, handler));
        assert.equal(runs, 1);
        assert.deepEqual(clock.waits, [], "nothing to wait for: retrying cannot help");
        assert.equal(bus.deadLetters(queueName).length, 1);
        assert.equal(bus.calls.complete, 0);
        assert.deepEqual({ ...(await store().getJob("pdf")), at: undefined }, { status: "dead-letter", reason: "not an HTML page", attempt: 1, at: undefined });
    });

    it("ends the attempt before the host's functionTimeout (the invocation less 2 s) and holds nothing past it", async () => {
        const { bus, handler, store, clock } = setup(defineWorker({ handle: (_m, { signal }) => new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason))) }), azureWorkerEnv(), 3);
        send(bus, "stuck", { n: 1 });
        const started = Date.now();
        await hostInvokesOnce(bus, handler);
        const took = Date.now() - started;
        assert.ok(took >= 950 && took < 1500, `the attempt took ${took} ms; expected about 1000 (3 s - 2 s)`);
        assert.equal(bus.calls.abandon, 1);
        assert.deepEqual(clock.waits, []);
        // The runtime counts the attempt's time from the handler's start, a few ms after the invocation began.
        const job = await store().getJob("stuck");
        assert.deepEqual({ ...job, reason: undefined, at: undefined }, { status: "retrying", reason: undefined, attempt: 1, at: undefined });
        assert.match((job as { reason: string }).reason, /^AttemptTimeout: the handler did not finish within (1 s|9[5-9]\d ms)$/);
    });

    it("after a timeout the redelivery waits out the idempotency lease and runs the handler again: nothing dead-lettered (issue 14, item 4)", async function () {
        this.timeout(20_000);
        const runs: { attempt: number; at: number }[] = [];
        const clockRef: { now?: () => number } = {};
        const worker = defineWorker<{ n: number }>({
            handle: (m, { signal }) => {
                runs.push({ attempt: m.attempt, at: clockRef.now!() });
                // The first attempt hangs until its deadline; the second succeeds.
                return runs.length === 1 ? new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason))) : { n: m.body.n };
            },
        });
        // Worker timeout 1 s: lease 6 s; the host's functionTimeout 2 x 1 + 15 s, as the components set it.
        const { bus, handler, store, clock, claims } = setup(worker, { ...azureWorkerEnv(), QUEUESTACK_WORKER_TIMEOUT_SECONDS: "1" }, 17);
        clockRef.now = clock.now;
        send(bus, "slow", { n: 4 });
        let invocations = 0;
        while (await hostInvokesOnce(bus, handler)) invocations++;

        assert.deepEqual(runs.map((r) => r.attempt), [1, 2]);
        assert.equal(invocations, 2);
        assert.deepEqual({ complete: bus.calls.complete, abandon: bus.calls.abandon, deadLetter: bus.calls.deadLetter }, { complete: 1, abandon: 1, deadLetter: 0 });
        assert.equal(bus.deadLetters(queueName).length, 0);
        assert.equal(bus.active(queueName).length, 0);
        assert.deepEqual({ ...(await store().getJob("slow")), at: undefined }, { status: "done", result: { n: 4 }, at: undefined });
        // The first delivery was held 1 s before it was given back; the redelivery met the timed-out
        // attempt's lease, polled it and claimed the key only once the lease had ended.
        assert.equal(clock.waits[0], 1000);
        assert.equal(claims[0].status, "claimed");
        assert.equal(claims.at(-1)!.status, "claimed");
        const held = claims.slice(1, -1);
        assert.ok(held.length >= 1 && held.every((c) => c.status === "in-progress"), JSON.stringify(claims));
        const leaseEnd = held[0].leaseEnds!;
        assert.ok(held.every((c) => c.leaseEnds === leaseEnd));
        assert.ok(claims.at(-1)!.at >= leaseEnd, "the key was claimed again only after the lease");
        assert.ok(runs[1].at >= leaseEnd, "the handler ran again only after the lease");
    });

    it("two messages sharing an idempotency key: the second waits for the first and completes as its duplicate, handler run once, nothing dead-lettered", async () => {
        let runs = 0;
        let releaseFirst!: () => void;
        const firstMayFinish = new Promise<void>((resolve) => (releaseFirst = resolve));
        const worker = defineWorker<{ url: string }>({
            handle: async (m) => {
                runs++;
                await firstMayFinish;
                return { title: `page at ${m.body.url}` };
            },
        });
        const { bus, handler, store, clock } = setup(worker, { ...azureWorkerEnv(), QUEUESTACK_IDEMPOTENCY_KEY: "body.url" });
        send(bus, "first", { url: "https://example.com/a" });
        send(bus, "second", { url: "https://example.com/a" });
        // The host runs both at once (maxConcurrentCalls); the second is held while the first runs.
        const [first, second] = bus.receiveNow(queueName, 2);
        const firstDone = invoke(bus, handler, first);
        clock.duringWait = async () => {
            releaseFirst();
            await firstDone;
        };
        await Promise.all([firstDone, invoke(bus, handler, second)]);

        assert.equal(runs, 1);
        assert.deepEqual(clock.waits, [1000], "one poll: the first had finished by then");
        assert.deepEqual({ complete: bus.calls.complete, abandon: bus.calls.abandon, deadLetter: bus.calls.deadLetter }, { complete: 2, abandon: 0, deadLetter: 0 });
        assert.equal(bus.deadLetters(queueName).length, 0);
        assert.equal(bus.active(queueName).length, 0);
        assert.deepEqual({ ...(await store().getJob("second")), at: undefined }, { status: "done", result: { title: "page at https://example.com/a" }, duplicateOf: "first", at: undefined });
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
