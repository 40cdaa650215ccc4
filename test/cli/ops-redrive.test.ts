import { strict as assert } from "node:assert";
import { redrive } from "../../operations/redrive";
import type { MessageContent, OpsTarget, TakenMessage } from "../../operations/targets/types";

/** An in-memory dead-letter queue and source queue, to check the redrive loop's own rules. */
function memoryTarget(deadLetters: TakenMessage[]) {
    const sent: MessageContent[] = [];
    let cursor = 0;
    const target: OpsTarget = {
        cloud: "local",
        status: async () => ({ visible: sent.length, deadLetters: deadLetters.length }),
        deadLetters: () => ({
            take: async (max) => deadLetters.slice(cursor, (cursor += max)),
            remove: async (messages) => {
                for (const m of messages) deadLetters.splice(deadLetters.indexOf(m), 1);
                cursor -= messages.length;
            },
            release: async () => void (cursor = 0),
        }),
        send: async (_queue, messages) => (sent.push(...messages), messages.map((_, i) => String(i))),
        purgeDeadLetters: async () => 0,
        close: async () => undefined,
    };
    return { target, sent, deadLetters };
}

describe("the redrive loop", () => {
    it("holds back a message that must wait, and every later message of its group, but not other groups", async () => {
        const later = new Date(Date.now() + 60_000);
        const message = (id: string, groupKey: string, notBefore?: Date): TakenMessage => ({ id, body: id, attributes: {}, groupKey, handle: id, ...(notBefore ? { notBefore } : {}) });
        const { target, sent, deadLetters } = memoryTarget([message("a1", "a", later), message("b1", "b"), message("a2", "a"), message("b2", "b")]);
        const result = await redrive(target, "q", { batchSize: 2 });
        assert.deepEqual(result, { moved: 2, missing: [], deferred: { count: 2, until: later } });
        assert.deepEqual(sent.map((m) => m.body), ["b1", "b2"]);
        assert.deepEqual(deadLetters.map((m) => m.id), ["a1", "a2"]);
    });
});
