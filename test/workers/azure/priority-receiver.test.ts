import { strict as assert } from "node:assert";
import { PriorityQueueReceiver } from "../../../workers/azure/priority-receiver";
import { azureWorkerFromEnv, readPriorities } from "../../../workers/azure/worker-setup";
import { ConfigError, defineWorker, type RawMessage } from "../../../workers/runtime";
import { capturedLogger } from "../helpers/capture-logs";
import { CosmosContainerFake } from "./cosmos-fake";
import { azureWorkerEnv } from "./env";
import { ServiceBusFake } from "./service-bus-fake";

const levels = [{ name: "high", entity: "sbq-high", weight: 3 }, { name: "normal", entity: "sbq-normal", weight: 1 }, { name: "low", entity: "sbq-low", weight: 1 }];

async function until(condition: () => boolean, timeoutMs: number, what: string) {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
    }
}

/** A priority receiver over three fake level queues; `seen` lists each processed message's level (by its body) and raw message. */
function setup(concurrency: number, promoteAfterSeconds = 3600, recheckEmptyMs?: number) {
    const bus = new ServiceBusFake();
    for (const level of levels) bus.addQueue(level.entity, { maxDeliveryCount: 5, lockDurationMs: 5000 });
    const { logger } = capturedLogger();
    const container = new CosmosContainerFake({ defaultTtlSeconds: 86_400, now: () => new Date() });
    const azure = azureWorkerFromEnv(defineWorker<{ level: string }>({ handle: async () => ({ ok: true }) }), azureWorkerEnv(), logger, container);
    const seen: { level: string; raw: RawMessage }[] = [];
    const receiver = new PriorityQueueReceiver({
        processor: async (raw, options) => (seen.push({ level: (JSON.parse(raw.body) as { level: string }).level, raw }), azure.processor(raw, options)),
        client: bus.client(),
        levels,
        promoteAfterSeconds,
        logger,
        concurrency,
        lockDurationSeconds: 5,
        drainSeconds: 5,
        receiveWaitMs: 50,
        levelWaitMs: 20,
        ...(recheckEmptyMs === undefined ? {} : { recheckEmptyMs }),
    });
    const fill = (level: string, count: number, extra: Record<string, unknown> = {}) =>
        bus.send(`sbq-${level}`, Array.from({ length: count }, (_, i) => ({ body: JSON.stringify({ level }), messageId: `${level}-${i}`, ...extra })));
    return { bus, receiver, seen, fill };
}

const countByLevel = (seen: { level: string }[]) => seen.reduce<Record<string, number>>((acc, s) => ({ ...acc, [s.level]: (acc[s.level] ?? 0) + 1 }), {});

describe("azure: VM priority receiver on the ServiceBus fake (weights, idle capacity, promotion)", function () {
    this.timeout(20_000);

    it("takes 3:1:1 by weight while every level has work: exactly 30 high, 10 normal, 10 low of the first 50", async () => {
        const { receiver, seen, fill } = setup(1);
        for (const level of ["high", "normal", "low"]) fill(level, 40);
        const run = receiver.run();
        await until(() => seen.length >= 50, 10_000, "50 messages");
        await receiver.stop();
        await run;
        assert.deepEqual(countByLevel(seen.slice(0, 50)), { high: 30, normal: 10, low: 10 });
        assert.deepEqual(seen.slice(0, 5).map((s) => s.level), ["high", "normal", "high", "low", "high"]);
        assert.equal(receiver.promoted, 0, "nothing waited long enough to move up");
    });

    it("gives an idle level's share to the levels with work: 1:1 between normal and low while high is empty", async () => {
        // The empty level is asked once and not again within the test: each recheck takes part in a
        // weighted pick, so how many fall within the first 40 picks (a matter of timing) would decide
        // which of normal and low pays for it.
        const { receiver, seen, fill } = setup(1, 3600, 60_000);
        fill("normal", 30);
        fill("low", 30);
        const run = receiver.run();
        await until(() => seen.length >= 40, 10_000, "40 messages");
        await receiver.stop();
        await run;
        assert.deepEqual(countByLevel(seen.slice(0, 40)), { normal: 20, low: 20 });
    });

    it("drains every level completely with several slots, completing each message once", async () => {
        const { bus, receiver, seen, fill } = setup(4);
        for (const level of ["high", "normal", "low"]) fill(level, 25);
        const run = receiver.run();
        await until(() => receiver.counts.completed === 75, 10_000, "75 completions");
        await receiver.stop();
        await run;
        assert.deepEqual(countByLevel(seen), { high: 25, normal: 25, low: 25 });
        for (const level of levels) assert.equal(bus.active(level.entity).length, 0, level.entity);
        assert.deepEqual({ ...receiver.counts, lockRenewals: 0 }, { received: 75, completed: 75, abandoned: 0, deadLettered: 0, lockRenewals: 0, returnedOnStop: 0 });
    });

    it("promotes a message older than promoteAfterSeconds one level at a time, keeping its id, attributes and first enqueue time", async () => {
        const { bus, receiver, seen, fill } = setup(1, 60);
        const firstEnqueued = new Date(Date.now() - 10 * 60_000).toISOString();
        fill("low", 1, { applicationProperties: { "queuestack-enqueued-at": firstEnqueued, "queuestack-correlation-id": "corr-1" }, contentType: "application/json" });
        bus.send("sbq-low", [{ body: JSON.stringify({ level: "low" }), messageId: "fresh", applicationProperties: { "queuestack-enqueued-at": new Date().toISOString() } }]);
        const run = receiver.run();
        await until(() => seen.length === 2, 10_000, "both messages");
        await receiver.stop();
        await run;
        assert.equal(receiver.promoted, 2, "low -> normal -> high");
        const old = seen.find((s) => s.raw.id === "low-0")!;
        assert.deepEqual(old.raw.attributes, { "queuestack-enqueued-at": firstEnqueued, "queuestack-correlation-id": "corr-1" });
        assert.equal(seen.find((s) => s.raw.id === "fresh")!.raw.attributes["queuestack-enqueued-at"] !== undefined, true);
        assert.deepEqual(receiver.taken, { high: 1, normal: 1, low: 2 }, "the old one taken on each level it passed; the fresh one run where it was");
        for (const level of levels) assert.equal(bus.active(level.entity).length, 0, level.entity);
    });

    it("reads the levels and the promotion bound the components set, and refuses a malformed level list", () => {
        const env = { QUEUESTACK_QUEUE_LEVELS: JSON.stringify(levels), QUEUESTACK_PROMOTE_AFTER_SECONDS: "120" };
        assert.deepEqual(readPriorities(env), { levels, promoteAfterSeconds: 120 });
        assert.equal(readPriorities({}), undefined);
        assert.throws(
            () => readPriorities({ ...env, QUEUESTACK_QUEUE_LEVELS: '[{"name":"high","entity":"sbq-high","weight":0}]' }),
            (error: unknown) => error instanceof ConfigError && error.message === 'QUEUESTACK_QUEUE_LEVELS must be a JSON array of two or more { "name": string, "entity": string, "weight": whole number >= 1 }, highest first (got [{"name":"high","entity":"sbq-high","weight":0}]).',
        );
    });
});
