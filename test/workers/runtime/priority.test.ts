import { strict as assert } from "node:assert";
import { correlationAttribute, enqueuedAtAttribute, firstEnqueuedAt, promotionDue, WeightedPicker } from "../../../workers/runtime/priority";

/** `count` picks with the levels `working` (all when omitted) having work. */
const picks = (picker: WeightedPicker, count: number, working?: number[]) =>
    Array.from({ length: count }, () => picker.next((level) => working === undefined || working.includes(level)));

describe("runtime: WeightedPicker", () => {
    it("takes 3:1:1 over 10 picks as 0 1 0 2 0, twice", () => {
        assert.deepEqual(picks(new WeightedPicker([3, 1, 1]), 10), [0, 1, 0, 2, 0, 0, 1, 0, 2, 0]);
    });

    it("splits 1,000 picks 600:200:200 under 3:1:1", () => {
        const counts = [0, 0, 0];
        for (const level of picks(new WeightedPicker([3, 1, 1]), 1000)) counts[level!]!++;
        assert.deepEqual(counts, [600, 200, 200]);
    });

    it("gives the whole capacity to the only level with work, and splits an idle level's share among the rest", () => {
        const picker = new WeightedPicker([3, 1, 1]);
        assert.deepEqual(picks(picker, 3, [2]), [2, 2, 2]);
        assert.deepEqual(picks(picker, 4, [1, 2]), [1, 2, 1, 2]);
    });

    it("resumes the weighted order when the high level gets work again", () => {
        const picker = new WeightedPicker([3, 1, 1]);
        assert.deepEqual(picks(picker, 2, [2]), [2, 2]);
        assert.deepEqual(picks(picker, 5), [0, 1, 0, 2, 0]);
    });

    it("answers undefined when no level has work, and asks each level once per pick", () => {
        const asked: number[] = [];
        const none = (level: number) => {
            asked.push(level);
            return false;
        };
        assert.equal(new WeightedPicker([2, 1]).next(none), undefined);
        assert.deepEqual(asked, [0, 1]);
    });

    it("peeks at the level next would name without taking its turn: 3:1:1 with peeks between picks still runs 0 1 0 2 0", () => {
        const picker = new WeightedPicker([3, 1, 1]);
        const seen: [number | undefined, number | undefined][] = [];
        for (let i = 0; i < 5; i++) {
            const peeked = [picker.peek(() => true), picker.peek(() => true)];
            seen.push([peeked[0], picker.next(() => true)]);
            assert.equal(peeked[1], peeked[0]);
        }
        assert.deepEqual(seen, [[0, 0], [1, 1], [0, 0], [2, 2], [0, 0]]);
        assert.equal(picker.peek(() => false), undefined);
    });

    it("refuses weights that are not positive whole numbers", () => {
        assert.throws(() => new WeightedPicker([3, 0]), { message: "WeightedPicker needs positive whole weights, got [3, 0]" });
        assert.throws(() => new WeightedPicker([]), { message: "WeightedPicker needs positive whole weights, got []" });
    });
});

describe("runtime: promotion", () => {
    const enqueued = new Date("2026-01-01T00:00:00Z");

    it("is due once the message has waited promoteAfterSeconds, not a millisecond before", () => {
        assert.equal(promotionDue(enqueued, 300, enqueued.getTime() + 299_999), false);
        assert.equal(promotionDue(enqueued, 300, enqueued.getTime() + 300_000), true);
    });

    it("measures from the queuestack-enqueued-at attribute, else the queue's enqueue time", () => {
        const queued = new Date("2026-01-01T00:04:00Z");
        assert.equal(enqueuedAtAttribute, "queuestack-enqueued-at");
        assert.equal(correlationAttribute, "queuestack-correlation-id");
        assert.deepEqual(firstEnqueuedAt({ "queuestack-enqueued-at": "2026-01-01T00:00:00.000Z" }, queued), enqueued);
        assert.deepEqual(firstEnqueuedAt({}, queued), queued);
        assert.deepEqual(firstEnqueuedAt({ "queuestack-enqueued-at": "yesterday" }, queued), queued);
    });
});
