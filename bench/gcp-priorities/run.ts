/**
 * Priority benchmark of the GCP VM poller on the Pub/Sub emulator: 10,000 low-priority messages
 * waiting, a steady stream of high-priority ones, weights 3:1, promotion after PROMOTE seconds.
 * Runs the baseline poller (see baseline.ts) and today's side by side on one emulator, each on its
 * own topics, and prints per poller the high-priority p50/p99 wait, the oldest low-priority wait,
 * how many were promoted and how many pulls asked `returnImmediately`, then today's/baseline ratios.
 * Run: npm run bench:gcp-priorities (needs gcloud with the Pub/Sub emulator). Not part of npm test.
 */
import { quantile } from "../../local/observability/metrics";
import { createLogger, type Outcome } from "../../workers/runtime";
import { googleApi } from "../../workers/gcp/google-api";
import { PubsubPoller } from "../../workers/gcp/poller";
import type { GoogleApiCall } from "../../workers/gcp/google-api";
import { publish } from "../../workers/gcp/pubsub-api";
import { baselineRef, loadBaselinePoller } from "./baseline";
import { startEmulator } from "../../test/workers/gcp/emulators";
import { createQueue } from "../../test/workers/gcp/pubsub-fixtures";

const lowCount = 10_000;
const highPerSecond = 20;
const streamSeconds = 30;
/** Promotion bound, seconds (BENCH_PROMOTE_AFTER_SECONDS overrides it, e.g. 100000 to compare without promotion). */
const promoteAfterSeconds = Number(process.env.BENCH_PROMOTE_AFTER_SECONDS ?? 15);
const concurrency = 16;
const handlerMs = 5;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** The nearest-rank percentile `p` (0-100) of `values`, as the other benchmarks compute it. */
const percentile = (values: number[], p: number) => quantile([...values].sort((a, b) => a - b), p / 100) ?? 0;

/** What one poller did on the workload. */
interface Figures {
    processed: number;
    promoted: number;
    totalSeconds: number;
    highWaitP50Seconds: number;
    highWaitP99Seconds: number;
    oldestLowWaitSeconds: number;
    /** Pull requests sent, and how many of them asked `returnImmediately`. */
    pulls: number;
    returnImmediatelyPulls: number;
}

/** Runs the workload against one poller class on fresh topics named after `name`. */
async function runOne(name: string, Poller: typeof PubsubPoller, emulatorHost: string, options: { longPoll?: boolean }): Promise<Figures> {
    const plain = googleApi({ baseUrl: "https://pubsub.googleapis.com", emulatorHost });
    const counted = { pulls: 0, returnImmediately: 0 };
    const api = (<T>(method: string, path: string, body?: unknown, callOptions?: { signal?: AbortSignal }) => {
        if (path.endsWith(":pull")) {
            counted.pulls++;
            if ((body as { returnImmediately?: boolean }).returnImmediately) counted.returnImmediately++;
        }
        return plain<T>(method, path, body, callOptions);
    }) as GoogleApiCall;
    const [high, low] = [await createQueue(plain, `bench-${name}-high`, { ackDeadlineSeconds: 60 }), await createQueue(plain, `bench-${name}-low`, { ackDeadlineSeconds: 60 })];
    const stamp = () => ({ "queuestack-enqueued-at": new Date().toISOString() });
    for (let i = 0; i < lowCount; i += 1000) await publish(plain, low.topic, Array.from({ length: 1000 }, () => ({ body: '{"level":"low"}', attributes: stamp() })));
    const waits = { high: [] as number[], low: [] as number[] };
    const processor = async (raw: { body: string; enqueuedAt: Date }): Promise<Outcome> => {
        const level = JSON.parse(raw.body).level as "high" | "low";
        waits[level].push(Date.now() - raw.enqueuedAt.getTime());
        await sleep(handlerMs);
        return { kind: "done", result: null };
    };
    const poller = new Poller({
        processor,
        api,
        levels: [{ level: "high", weight: 3, subscriptions: [high.subscription], topic: high.topic }, { level: "low", weight: 1, subscriptions: [low.subscription], topic: low.topic }],
        promoteAfterSeconds,
        logger: createLogger({ name: "bench", level: "silent" }),
        concurrency,
        ackDeadlineSeconds: 60,
        drainSeconds: 10,
        idleMs: 20,
        ...options,
    });
    const started = Date.now();
    const running = poller.run();
    let highSent = 0;
    for (let tick = 0; tick < streamSeconds * 10; tick++) {
        const batch = highPerSecond / 10;
        await publish(plain, high.topic, Array.from({ length: batch }, () => ({ body: '{"level":"high"}', attributes: stamp() })));
        highSent += batch;
        await sleep(100);
    }
    while (waits.high.length + waits.low.length < highSent + lowCount && Date.now() - started < 600_000) await sleep(100);
    const totalSeconds = (Date.now() - started) / 1000;
    poller.stop();
    await running;
    return {
        processed: waits.high.length + waits.low.length, promoted: poller.counts.promoted, totalSeconds,
        highWaitP50Seconds: percentile(waits.high, 50) / 1000, highWaitP99Seconds: percentile(waits.high, 99) / 1000,
        oldestLowWaitSeconds: Math.max(...waits.low) / 1000, pulls: counted.pulls, returnImmediatelyPulls: counted.returnImmediately,
    };
}

async function main() {
    const Baseline = await loadBaselinePoller();
    const emulator = await startEmulator("pubsub");
    try {
        // The baseline as main's benchmark ran it (several subscriptions: returnImmediately pulls); today's with its defaults (long polls).
        // Rounds run baseline, today, today, baseline (BENCH_ORDER overrides) so warm-up and drift on the shared emulator weigh on both alike.
        const contenders = {
            baseline: (round: number) => runOne(`baseline${round}`, Baseline, emulator.hostPort, { longPoll: false }),
            today: (round: number) => runOne(`today${round}`, PubsubPoller, emulator.hostPort, {}),
        };
        const order = (process.env.BENCH_ORDER ?? "baseline,today,today,baseline").split(",") as (keyof typeof contenders)[];
        const rounds: { poller: string; figures: Figures }[] = [];
        for (const [round, poller] of order.entries()) rounds.push({ poller, figures: await contenders[poller](round) });
        const mean = (poller: string) => {
            const of = rounds.filter((r) => r.poller === poller).map((r) => r.figures);
            return Object.fromEntries(Object.keys(of[0]!).map((k) => [k, of.reduce((sum, f) => sum + f[k as keyof Figures], 0) / of.length])) as unknown as Figures;
        };
        const [baseline, today] = [mean("baseline"), mean("today")];
        const ratio = (key: keyof Figures) => (baseline[key] === 0 ? null : Number((today[key] / baseline[key]).toFixed(2)));
        const rounded = (f: Figures) => Object.fromEntries(Object.entries(f).map(([k, v]) => [k, Number(v.toFixed(2))]));
        console.log(JSON.stringify({
            lowMessages: lowCount, highPerSecond, streamSeconds, concurrency, handlerMs, promoteAfterSeconds, weights: "3:1", baselineRef,
            rounds: rounds.map((r) => ({ poller: r.poller, ...rounded(r.figures) })),
            meanBaseline: rounded(baseline), meanToday: rounded(today),
            todayOverBaseline: { totalSeconds: ratio("totalSeconds"), highWaitP50Seconds: ratio("highWaitP50Seconds"), highWaitP99Seconds: ratio("highWaitP99Seconds"), oldestLowWaitSeconds: ratio("oldestLowWaitSeconds"), pulls: ratio("pulls") },
        }, null, 1));
    } finally {
        await emulator.stop();
    }
}

main().then(() => process.exit(0), (error: unknown) => (console.error(error), process.exit(1)));
