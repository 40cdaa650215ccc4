import { strict as assert } from "node:assert";
import { createLogger, defineWorker, type Outcome, type Processor, type RawMessage } from "../../../workers/runtime";
import type { GoogleApiCall } from "../../../workers/gcp/google-api";
import { type PollLevel, PubsubPoller } from "../../../workers/gcp/poller";
import { publish, pull, type ReceivedMessage } from "../../../workers/gcp/pubsub-api";
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
    /** Pull request bodies the pollers sent, and how many messages each brought. */
    let pulls: { body: unknown; got?: number }[] = [];
    /** The emulator client, recording every pull the poller sends. */
    const recording = (<T>(method: string, path: string, body?: unknown, options?: { signal?: AbortSignal }): Promise<T> => {
        if (!path.endsWith(":pull")) return pubsub<T>(method, path, body, options);
        const entry: { body: unknown; got?: number } = { body };
        pulls.push(entry);
        return pubsub<{ receivedMessages?: ReceivedMessage[] }>(method, path, body, options).then((answer) => ((entry.got = answer.receivedMessages?.length ?? 0), answer as T));
    }) as GoogleApiCall;
    /** Every pull the poller sent was a long poll: its body is `{ maxMessages }` alone, no `returnImmediately`. */
    const assertLongPolls = () => {
        assert.ok(pulls.length > 0);
        for (const { body } of pulls) assert.deepEqual(Object.keys(body as object), ["maxMessages"], JSON.stringify(body));
    };
    beforeEach(() => {
        pulls = [];
    });
    /** Runs a poller until `until()` holds (checked every 50 ms, up to 60 s), then drains it. */
    async function runUntil(poller: PubsubPoller, until: () => boolean): Promise<void> {
        const running = poller.run();
        for (let i = 0; i < 1200 && !until(); i++) await sleep(50);
        poller.stop();
        await running;
    }
    const poller = (processor: Processor, options: { levels: PollLevel[]; concurrency: number; promoteAfterSeconds?: number; collectMs?: number; ackDeadlineSeconds?: number; api?: GoogleApiCall }) =>
        new PubsubPoller({ processor, api: recording, logger, ackDeadlineSeconds: 10, drainSeconds: 5, idleMs: 50, ...options });
    /**
     * The recording client, with the first pull answer of `late` held back until every other
     * subscription's first pull has answered: the top level answers last.
     */
    const answeringLast = (late: string, others: string[]): GoogleApiCall => {
        const answered = new Map<string, () => void>();
        const othersAnswered = Promise.all(others.map((o) => new Promise<void>((resolve) => answered.set(o, resolve))));
        let held = false;
        return (async <T>(method: string, path: string, body?: unknown, options?: { signal?: AbortSignal }): Promise<T> => {
            const answer = await recording<T>(method, path, body, options);
            const subscription = path.replace(/:pull$/, "");
            if (path.endsWith(":pull")) answered.get(subscription)?.();
            if (path === `${late}:pull` && !held) {
                held = true;
                await othersAnswered;
            }
            return answer;
        }) as GoogleApiCall;
    };
    /** Waits (up to 60 s) until `until()` holds. */
    const eventually = async (until: () => boolean) => {
        for (let i = 0; i < 1200 && !until(); i++) await sleep(50);
        assert.ok(until());
    };

    before(() => {
        ({ pubsub, firestore } = emulators);
    });

    it("runs the first 15 of a backlog on every level in the 3:1:1 order (high normal high low high, three times) though high's first pull answers last, every pull a long poll", async () => {
        const work = await levels("w", ["high", "normal", "low"], [3, 1, 1]);
        for (const level of work) await publish(pubsub, level.topic!, Array.from({ length: 20 }, (_, n) => ({ body: JSON.stringify({ level: level.level, n }) })));
        const order: string[] = [];
        const [high, ...rest] = work.map((l) => l.subscriptions[0]!);
        // A pull that answers late (here on purpose, or under load) must not give its level's turn away: wait up to 10 s for it.
        const p = poller(async (raw) => (order.push(JSON.parse(raw.body).level), done), { levels: work, concurrency: 1, collectMs: 10_000, api: answeringLast(high!, rest) });
        await runUntil(p, () => order.length >= 15);
        const round = ["high", "normal", "high", "low", "high"];
        assert.deepEqual(order.slice(0, 15), [...round, ...round, ...round]);
        assertLongPolls();
    });

    it("serves the low level its share under a high backlog: 10 low of the first 40 with weights 3:1 and 4 slots, pulling into free slots only", async () => {
        const work = await levels("s", ["high", "low"], [3, 1]);
        await publish(pubsub, work[0]!.topic!, Array.from({ length: 60 }, (_, n) => ({ body: JSON.stringify({ level: "high", n }) })));
        await publish(pubsub, work[1]!.topic!, Array.from({ length: 20 }, (_, n) => ({ body: JSON.stringify({ level: "low", n }) })));
        const order: string[] = [];
        const p = poller(async (raw) => (order.push(JSON.parse(raw.body).level), done), { levels: work, concurrency: 4, collectMs: 10_000 });
        await runUntil(p, () => order.length >= 40);
        const first = order.slice(0, 40);
        assert.deepEqual(["high", "low"].map((l) => first.filter((o) => o === l).length), [30, 10], first.join(" "));
        assertLongPolls();
        // 4 slots and one look-ahead per subscription: no pull asks for more than 4 + 2 - what is already held.
        assert.deepEqual(pulls.filter(({ body }) => (body as { maxMessages: number }).maxMessages > 4), []);
    });

    it("reads a level's fan-out subscription beside its idle own one: high and low alternate 1:1 for the first 10, low's from the fan-out", async () => {
        const [high, low, fanout] = await Promise.all(["f-high", "f-low", "f-fanout"].map((n) => createQueue(pubsub, n)));
        const work: PollLevel[] = [
            { level: "high", weight: 1, subscriptions: [high!.subscription], topic: high!.topic },
            { level: "low", weight: 1, subscriptions: [low!.subscription, fanout!.subscription], topic: low!.topic },
        ];
        await publish(pubsub, high!.topic, Array.from({ length: 10 }, () => ({ body: '{"from":"high"}' })));
        await publish(pubsub, fanout!.topic, Array.from({ length: 10 }, () => ({ body: '{"from":"fanout"}' })));
        const order: string[] = [];
        const p = poller(async (raw) => (order.push(JSON.parse(raw.body).from), done), { levels: work, concurrency: 1, collectMs: 10_000 });
        await runUntil(p, () => order.length >= 10);
        assert.deepEqual(order.slice(0, 10), Array.from({ length: 5 }, () => ["high", "fanout"]).flat());
        assertLongPolls();
    });

    it("holds a buffered message past its ack deadline with its lease extended: it runs once, at attempt 1, and nobody else can pull it meanwhile", async () => {
        const work = await levels("l", ["high", "low"], [1, 1]);
        await publish(pubsub, work[0]!.topic!, [{ body: '{"level":"high"}' }]);
        await publish(pubsub, work[1]!.topic!, [{ body: '{"level":"low"}' }]);
        const runs: [string, number][] = [];
        let pulledMeanwhile: string[] | undefined;
        // One slot: high runs 12 s (past the 10 s ack deadline) while low waits in the buffer.
        const p = poller(async (raw) => {
            const { level } = JSON.parse(raw.body);
            runs.push([level, raw.attempt]);
            if (level === "high") {
                await sleep(12_000);
                pulledMeanwhile = (await pull(pubsub, work[1]!.subscriptions[0]!, 10, { returnImmediately: true })).map((d) => d.message.messageId);
            }
            return done;
        }, { levels: work, concurrency: 1 });
        await runUntil(p, () => runs.length >= 2);
        assert.deepEqual(runs, [["high", 1], ["low", 1]]);
        assert.deepEqual(pulledMeanwhile, [], "the buffered low message stayed leased to the poller");
        assert.deepEqual(p.counts, { acked: 2, nacked: 0, promoted: 0, returned: 0 });
    });

    it("on stop hands the buffered look-ahead messages back at once (attempt 2 on the next pull, long before the 600 s ack deadline) and finishes the running one", async () => {
        const made = await Promise.all(["high", "low"].map((n) => createQueue(pubsub, `d-${n}`, { ackDeadlineSeconds: 600 })));
        const work: PollLevel[] = made.map((q, i) => ({ level: ["high", "low"][i], weight: [3, 1][i]!, subscriptions: [q.subscription], topic: q.topic }));
        for (const level of work) await publish(pubsub, level.topic!, Array.from({ length: 5 }, (_, n) => ({ body: JSON.stringify({ level: level.level, n }) })));
        let release: () => void = () => {};
        const gate = new Promise<void>((resolve) => (release = resolve));
        const started: string[] = [];
        const p = poller(async (raw) => (started.push(JSON.parse(raw.body).level), await gate, done), { levels: work, concurrency: 1, ackDeadlineSeconds: 600 });
        const running = p.run();
        // One slot running high, and one look-ahead message buffered per subscription.
        await eventually(() => started.length === 1 && pulls.reduce((sum, pl) => sum + (pl.got ?? 0), 0) === 3);
        p.stop();
        release();
        await running;
        assert.deepEqual(started, ["high"]);
        assert.deepEqual(p.counts, { acked: 1, nacked: 0, promoted: 0, returned: 2 });
        assert.deepEqual(pulls.map((pl) => pl.body), [{ maxMessages: 1 }, { maxMessages: 1 }, { maxMessages: 1 }], "three pulls of one: the slot and a look-ahead per subscription");
        const attempts = async (subscription: string, count: number) => {
            const got: ReceivedMessage[] = [];
            for (let i = 0; i < 20 && got.length < count; i++) got.push(...(await pull(pubsub, subscription, count - got.length)));
            return got.map((d) => d.deliveryAttempt).sort();
        };
        assert.deepEqual(await attempts(work[0]!.subscriptions[0]!, 4), [1, 1, 1, 2]);
        assert.deepEqual(await attempts(work[1]!.subscriptions[0]!, 5), [1, 1, 1, 1, 2]);
    });

    it("gives an idle level's share to the levels with work: 5 normal and 5 low of the first 10 when high is empty", async () => {
        const work = await levels("i", ["high", "normal", "low"], [3, 1, 1]);
        for (const level of work.slice(1)) await publish(pubsub, level.topic!, Array.from({ length: 10 }, () => ({ body: JSON.stringify({ level: level.level }) })));
        const order: string[] = [];
        const p = poller(async (raw) => (order.push(JSON.parse(raw.body).level), done), { levels: work, concurrency: 1 });
        await runUntil(p, () => order.length >= 10);
        assert.deepEqual(["high", "normal", "low"].map((l) => order.slice(0, 10).filter((o) => o === l).length), [0, 5, 5]);
        assertLongPolls();
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
        assert.deepEqual(p.counts, { acked: 6, nacked: 0, promoted: 1, returned: 0 });
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
            assert.deepEqual(p.counts, { acked: 1 + above, nacked: 0, promoted: 0, returned: 0 }, prefix);
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
        assert.deepEqual(p.counts, { acked: 2, nacked: 0, promoted: 0, returned: 0 });
        // Both jobs show the result; the one that did not run points at the one that did.
        const records = { "job-1": await store.getJob("job-1"), "job-2": await store.getJob("job-2") };
        const ran = (["job-1", "job-2"] as const).filter((id) => records[id] && !("duplicateOf" in records[id]!));
        assert.equal(ran.length, 1, JSON.stringify(records));
        const other = ran[0] === "job-1" ? "job-2" : "job-1";
        assert.deepEqual({ ...records[ran[0]]!, at: undefined }, { status: "done", result: { n: 1 }, at: undefined });
        assert.deepEqual({ ...records[other]!, at: undefined }, { status: "done", result: { n: 1 }, duplicateOf: ran[0], at: undefined });
    });
});
