import { strict as assert } from "node:assert";
import { LevelPlanner } from "../../../workers/aws/level-planner";

const levels = [
    { url: "https://sqs/q-high", weight: 3, level: "high" },
    { url: "https://sqs/q-normal", weight: 1, level: "normal" },
    { url: "https://sqs/q-low", weight: 1, level: "low" },
];
const now = Date.parse("2026-11-22T12:00:00Z");
const fresh = new Date(now - 1000);
const overdue = new Date(now - 301_000);

/** The levels of `count` plans from receiver 0, recording a fresh message from each. */
function picks(planner: LevelPlanner, count: number, at = now): string[] {
    return Array.from({ length: count }, () => {
        const plan = planner.next(0, at);
        planner.received(plan.index, [fresh], at);
        return `${levels[plan.index]!.level}/${plan.waitSeconds}`;
    });
}

describe("aws: LevelPlanner (which priority level an SQS poller receives from)", () => {
    it("always long-polls the one queue of a queue without levels", () => {
        const planner = new LevelPlanner([{ url: "https://sqs/q" }], { longPollSeconds: 20 });
        assert.deepEqual([planner.next(0, now), planner.next(3, now)], [{ index: 0, waitSeconds: 20 }, { index: 0, waitSeconds: 20 }]);
    });

    it("short-polls the levels by weight while they have work: 3:1:1 over ten receives", () => {
        const planner = new LevelPlanner(levels, { longPollSeconds: 5 });
        assert.deepEqual(picks(planner, 10), [
            "high/0", "normal/0", "high/0", "low/0", "high/0",
            "high/0", "normal/0", "high/0", "low/0", "high/0",
        ]);
    });

    it("skips a level whose receive came back empty for the probe time, then tries it again", () => {
        const planner = new LevelPlanner(levels, { longPollSeconds: 5, probeMs: 1000 });
        planner.received(0, [], now);
        assert.deepEqual(picks(planner, 4), ["normal/0", "low/0", "normal/0", "low/0"]);
        assert.equal(planner.next(0, now + 1000).index, 0);
    });

    it("long-polls the levels side by side when none is known to have work", () => {
        const planner = new LevelPlanner(levels, { longPollSeconds: 5 });
        for (const index of [0, 1, 2]) planner.received(index, [], now);
        assert.deepEqual([0, 1, 2, 3].map((receiver) => planner.next(receiver, now)), [
            { index: 0, waitSeconds: 5 }, { index: 1, waitSeconds: 5 }, { index: 2, waitSeconds: 5 }, { index: 0, waitSeconds: 5 },
        ]);
    });

    it("serves a level with the heaviest weight above it while its messages are overdue, and returns it after", () => {
        const planner = new LevelPlanner(levels, { longPollSeconds: 5, promoteAfterSeconds: 300 });
        planner.received(2, [fresh, overdue], now);
        assert.deepEqual([planner.weightOf(0), planner.weightOf(1), planner.weightOf(2)], [3, 1, 3]);
        // While low is overdue it shares the top weight with high: 3:1:3, high keeps its turns.
        const sequence = Array.from({ length: 7 }, () => levels[planner.next(0, now).index]!.level);
        assert.deepEqual(sequence, ["high", "low", "normal", "high", "low", "high", "low"]);
        planner.received(2, [fresh], now);
        planner.received(0, [overdue], now);
        assert.deepEqual([planner.weightOf(0), planner.weightOf(1), planner.weightOf(2)], [3, 1, 1]);
        const noPromotion = new LevelPlanner(levels, { longPollSeconds: 5 });
        noPromotion.received(1, [overdue], now);
        assert.equal(noPromotion.weightOf(1), 1);
    });
});
