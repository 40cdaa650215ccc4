import { strict as assert } from "node:assert";
import { SqsPoller } from "../../../workers/aws/poller";
import { createProcessor, defineWorker, type RuntimeSettings } from "../../../workers/runtime";
import { capturedLogger } from "../helpers/capture-logs";
import { createQueueWithDlq, useMoto } from "../helpers/moto";
import { depth, send } from "../helpers/sqs";

const settings: RuntimeSettings = { idempotency: { enabled: false, key: "messageId", ttlSeconds: 0 }, resultTtlSeconds: 86_400, timeoutSeconds: 10 };

describe("aws: VM poller over priority levels on moto SQS", function () {
    this.timeout(60_000);
    const moto = useMoto();

    it("takes work from the levels 3:1:1 while all have work, then gives the idle level's share to the rest", async () => {
        const sent = { high: 30, normal: 20, low: 20 };
        const queues = [];
        for (const [level, weight] of [["high", 3], ["normal", 1], ["low", 1]] as const) {
            const { url } = await createQueueWithDlq(moto(), `prio-${level}`, { maxReceiveCount: 5, visibilityTimeoutSeconds: 30 });
            for (let n = 0; n < sent[level]; n++) await send(moto(), url, { level, n });
            queues.push({ url, weight, level });
        }
        const order: string[] = [];
        const worker = defineWorker<{ level: string; n: number }>({ handle: ({ body }) => void order.push(`${body.level}-${body.n}`) });
        const { logger, lines } = capturedLogger();
        // One message at a time, so the order of work is the order of the poller's choices.
        const poller = new SqsPoller({
            processor: createProcessor({ worker, settings, logger, scope: "prio" }),
            sqs: moto().sqs,
            queues,
            logger,
            concurrency: 1,
            visibilityTimeoutSeconds: 30,
            waitSeconds: 1,
        });
        const run = poller.run();
        const total = sent.high + sent.normal + sent.low;
        for (const deadline = Date.now() + 45_000; poller.counts.deleted < total; ) {
            assert.ok(Date.now() < deadline, `only ${poller.counts.deleted} of ${total} deleted`);
            await new Promise((resolve) => setTimeout(resolve, 50));
        }
        const counts = await poller.stop();
        await run;

        const levels = order.map((entry) => entry.split("-")[0]!);
        // A failed receive would skip a turn; show it rather than a puzzling order.
        assert.deepEqual(lines.filter((line) => Number(line.level) >= 40).map((line) => line.msg), []);
        assert.deepEqual(levels.slice(0, 10), ["high", "normal", "high", "low", "high", "high", "normal", "high", "low", "high"]);
        const tally = (part: string[]) => Object.fromEntries(["high", "normal", "low"].map((l) => [l, part.filter((x) => x === l).length]));
        assert.deepEqual(tally(levels.slice(0, 50)), { high: 30, normal: 10, low: 10 });
        assert.deepEqual(tally(levels.slice(50)), { high: 0, normal: 10, low: 10 });
        assert.equal(new Set(order).size, total);
        assert.deepEqual(counts, { received: total, deleted: total, retried: 0, deadLettered: 0, returnedOnStop: 0 });
        for (const { url } of queues) assert.equal(await depth(moto(), url), 0);
    });
});
