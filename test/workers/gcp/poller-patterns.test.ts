import { strict as assert } from "node:assert";
import { createLogger, defineWorker, type Outcome, type Processor, type RawMessage } from "../../../workers/runtime";
import type { GoogleApiCall } from "../../../workers/gcp/google-api";
import { type PollLevel, PubsubPoller } from "../../../workers/gcp/poller";
import { publish, pull } from "../../../workers/gcp/pubsub-api";
import { gcpWorkerFromEnv } from "../../../workers/gcp/worker-setup";
import { useEmulators } from "./emulators";
import { createQueue, workerEnv } from "./pubsub-fixtures";

const logger = createLogger({ name: "poller-patterns-test", level: "silent" });
const done: Outcome = { kind: "done", result: null };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("gcp VM poller patterns (Pub/Sub and Firestore emulators)", function () {
    this.timeout(120_000);
    const emulators = useEmulators();
    let pubsub: GoogleApiCall;
    let firestore: GoogleApiCall;

    /** Levels named `<prefix>-<level>` on the emulator, each with `weights[i]`. */
    async function levels(prefix: string, names: string[], weights: number[]): Promise<PollLevel[]> {
        const made = await Promise.all(names.map((n) => createQueue(pubsub, `${prefix}-${n}`)));
        return made.map((q, i) => ({ level: names[i], weight: weights[i]!, subscriptions: [q.subscription], topic: q.topic }));
    }
    /** Runs a poller until `until()` holds (checked every 50 ms, up to 60 s), then drains it. */
    async function runUntil(poller: PubsubPoller, until: () => boolean): Promise<void> {
        const running = poller.run();
        for (let i = 0; i < 1200 && !until(); i++) await sleep(50);
        poller.stop();
        await running;
    }
    const poller = (processor: Processor, options: { levels: PollLevel[]; concurrency: number; promoteAfterSeconds?: number }) =>
        new PubsubPoller({ processor, api: pubsub, logger, ackDeadlineSeconds: 10, drainSeconds: 5, idleMs: 50, longPoll: false, ...options });

    before(() => {
        ({ pubsub, firestore } = emulators);
    });

    it("takes 9 high, 3 normal and 3 low of the first 15 with weights 3:1:1 and work on every level", async () => {
        const work = await levels("w", ["high", "normal", "low"], [3, 1, 1]);
        for (const level of work) await publish(pubsub, level.topic!, Array.from({ length: 20 }, (_, n) => ({ body: JSON.stringify({ level: level.level, n }) })));
        const order: string[] = [];
        const p = poller(async (raw) => (order.push(JSON.parse(raw.body).level), done), { levels: work, concurrency: 1 });
        await runUntil(p, () => order.length >= 15);
        const first = order.slice(0, 15);
        assert.deepEqual(["high", "normal", "low"].map((l) => first.filter((o) => o === l).length), [9, 3, 3], first.join(" "));
    });

    it("gives an idle level's share to the levels with work: 5 normal and 5 low of the first 10 when high is empty", async () => {
        const work = await levels("i", ["high", "normal", "low"], [3, 1, 1]);
        for (const level of work.slice(1)) await publish(pubsub, level.topic!, Array.from({ length: 10 }, () => ({ body: JSON.stringify({ level: level.level }) })));
        const order: string[] = [];
        const p = poller(async (raw) => (order.push(JSON.parse(raw.body).level), done), { levels: work, concurrency: 1 });
        await runUntil(p, () => order.length >= 10);
        assert.deepEqual(["high", "normal", "low"].map((l) => order.slice(0, 10).filter((o) => o === l).length), [0, 5, 5]);
    });

    it("promotes a message older than promoteAfterSeconds while the level above has work, keeping its first enqueue time and job id; a fresh one stays", async () => {
        const work = await levels("p", ["high", "low"], [1, 1]);
        const enqueuedAt = new Date(Date.now() - 600_000).toISOString();
        await publish(pubsub, work[0]!.topic!, Array.from({ length: 4 }, (_, n) => ({ body: JSON.stringify({ n }), attributes: { "queuestack-job-id": `job-high-${n}` } })));
        await publish(pubsub, work[1]!.topic!, [
            { body: '{"n":"old"}', attributes: { "queuestack-enqueued-at": enqueuedAt, "queuestack-job-id": "job-old" } },
            { body: '{"n":"new"}', attributes: { "queuestack-job-id": "job-new" } },
        ]);
        const seen: RawMessage[] = [];
        const p = poller(async (raw) => (seen.push(raw), done), { levels: work, concurrency: 2, promoteAfterSeconds: 300 });
        await runUntil(p, () => seen.length >= 6);
        assert.deepEqual(p.counts, { acked: 6, nacked: 0, promoted: 1 });
        const old = seen.find((m) => m.id === "job-old")!;
        assert.equal(old.enqueuedAt.toISOString(), enqueuedAt);
        assert.equal(old.body, '{"n":"old"}', "the promoted copy carries the same body");
        assert.equal(old.attributes["queuestack-enqueued-at"], enqueuedAt);
        assert.equal(seen.find((m) => m.id === "job-new")!.attributes["queuestack-enqueued-at"], undefined);
        assert.deepEqual(await pull(pubsub, work[0]!.subscriptions[0]!, 10, { returnImmediately: true }), [], "the promoted copy was consumed from the high level");
    });

    it("does not promote an overdue message when the levels above are empty or hold only overdue work (moving it gains no slot)", async () => {
        const old = () => ({ "queuestack-enqueued-at": new Date(Date.now() - 600_000).toISOString() });
        for (const [prefix, above] of [["q", 0], ["r", 1]] as const) {
            const work = await levels(prefix, ["high", "low"], [1, 1]);
            if (above) await publish(pubsub, work[0]!.topic!, [{ body: '{"n":"old-high"}', attributes: old() }]);
            await publish(pubsub, work[1]!.topic!, [{ body: '{"n":"old-low"}', attributes: old() }]);
            const seen: RawMessage[] = [];
            const p = poller(async (raw) => (seen.push(raw), done), { levels: work, concurrency: 2, promoteAfterSeconds: 300 });
            await runUntil(p, () => seen.length >= 1 + above);
            assert.deepEqual(p.counts, { acked: 1 + above, nacked: 0, promoted: 0 }, prefix);
        }
    });

    it("keeps order within each group and runs groups side by side under 8 concurrent slots", async () => {
        const fifo = await createQueue(pubsub, "groups", { ordered: true, exactlyOnce: true });
        const groups = ["a", "b", "c", "d", "e", "f", "g", "h"];
        for (let n = 0; n < 6; n++) await publish(pubsub, fifo.topic, groups.map((g) => ({ body: JSON.stringify({ g, n }), orderingKey: g })));
        const seen = new Map<string, number[]>(groups.map((g) => [g, []]));
        let running = 0;
        let most = 0;
        const p = poller(async (raw) => {
            running++;
            most = Math.max(most, running);
            await sleep(20);
            const { g, n } = JSON.parse(raw.body);
            seen.get(g)!.push(n);
            running--;
            return done;
        }, { levels: [{ weight: 1, subscriptions: [fifo.subscription] }], concurrency: 8 });
        await runUntil(p, () => [...seen.values()].every((s) => s.length >= 6));
        for (const [g, order] of seen) assert.deepEqual(order, [0, 1, 2, 3, 4, 5], `group ${g}`);
        assert.ok(most > 1, `groups ran side by side (at most ${most} at once)`);
    });

    it("runs the handler once for two messages sent with one deduplication id, and gives both jobs its result", async () => {
        const queue = await createQueue(pubsub, "dedup", { exactlyOnce: true });
        let runs = 0;
        const worker = defineWorker<{ n: number }>({ handle: async ({ body }) => (runs++, { n: body.n }) });
        const env = workerEnv("dedup");
        const { processor, store } = gcpWorkerFromEnv({ default: worker }, env, logger, firestore);
        await publish(pubsub, queue.topic, ["job-1", "job-2"].map((id) => ({ body: '{"n":1}', attributes: { "queuestack-job-id": id, "queuestack-deduplication-id": "order-42" } })));
        const p = poller(processor, { levels: [{ weight: 1, subscriptions: [queue.subscription] }], concurrency: 1 });
        await runUntil(p, () => p.counts.acked >= 2);
        assert.equal(runs, 1);
        assert.deepEqual(p.counts, { acked: 2, nacked: 0, promoted: 0 });
        // Both jobs show the result; the one that did not run points at the one that did.
        const records = { "job-1": await store.getJob("job-1"), "job-2": await store.getJob("job-2") };
        const ran = (["job-1", "job-2"] as const).filter((id) => records[id] && !("duplicateOf" in records[id]!));
        assert.equal(ran.length, 1, JSON.stringify(records));
        const other = ran[0] === "job-1" ? "job-2" : "job-1";
        assert.deepEqual({ ...records[ran[0]]!, at: undefined }, { status: "done", result: { n: 1 }, at: undefined });
        assert.deepEqual({ ...records[other]!, at: undefined }, { status: "done", result: { n: 1 }, duplicateOf: ran[0], at: undefined });
    });
});
