import { strict as assert } from "node:assert";
import { PushGate, pushGateFromEnv } from "../../../workers/gcp/push-gate";

/** A promise with its resolver, to finish work when the test says so. */
function deferred() {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    return { promise, resolve };
}

describe("gcp PushGate", () => {
    it("runs one delivery per slot and starts waiting ones in arrival order as slots free", async () => {
        const gate = new PushGate(1, 60_000);
        const order: string[] = [];
        const first = deferred();
        const a = gate.run(async () => (order.push("a"), await first.promise, "a"));
        const b = gate.run(async () => (order.push("b"), "b"));
        const c = gate.run(async () => (order.push("c"), "c"));
        await new Promise((resolve) => setImmediate(resolve));
        assert.deepEqual(order, ["a"]);
        assert.deepEqual(gate.load, { running: 1, waiting: 2 });
        first.resolve();
        assert.deepEqual(await Promise.all([a, b, c]), [{ ran: true, value: "a" }, { ran: true, value: "b" }, { ran: true, value: "c" }]);
        assert.deepEqual(order, ["a", "b", "c"]);
        assert.deepEqual(gate.load, { running: 0, waiting: 0 });
    });

    it("gives up on a delivery that gets no slot within the wait, without running it", async () => {
        const gate = new PushGate(1, 0);
        const hold = deferred();
        const running = gate.run(() => hold.promise);
        let ran = false;
        assert.deepEqual(await gate.run(async () => void (ran = true)), { ran: false });
        assert.equal(ran, false);
        assert.deepEqual(gate.load, { running: 1, waiting: 0 });
        hold.resolve();
        await running;
    });

    it("reads its slots and wait from the environment, with an error naming a bad value", () => {
        const gate = pushGateFromEnv({ QUEUESTACK_PUSH_SLOTS: "1", QUEUESTACK_PUSH_MAX_WAIT_SECONDS: "45" });
        assert.deepEqual([gate.slots, gate.maxWaitMs], [1, 45_000]);
        assert.throws(() => pushGateFromEnv({ QUEUESTACK_PUSH_SLOTS: "0", QUEUESTACK_PUSH_MAX_WAIT_SECONDS: "45" }), {
            message: 'QUEUESTACK_PUSH_SLOTS must be a whole number from 1 to 1000 (got "0"): deliveries one function instance runs at once.',
        });
    });
});
