/**
 * Priority benchmark of the GCP VM poller on the Pub/Sub emulator: 10,000 low-priority messages
 * waiting, a steady stream of high-priority ones, weights 3:1, promotion after PROMOTE seconds.
 * Prints the high-priority p50/p99 wait, the oldest low-priority wait and how many were promoted.
 * Run: npm run bench:gcp-priorities (needs gcloud with the Pub/Sub emulator). Not part of npm test.
 */
import { quantile } from "../../local/observability/metrics";
import { createLogger, type Outcome } from "../../workers/runtime";
import { googleApi } from "../../workers/gcp/google-api";
import { PubsubPoller } from "../../workers/gcp/poller";
import { publish } from "../../workers/gcp/pubsub-api";
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

async function main() {
    const emulator = await startEmulator("pubsub");
    try {
        const api = googleApi({ baseUrl: "https://pubsub.googleapis.com", emulatorHost: emulator.hostPort });
        const [high, low] = [await createQueue(api, "bench-high", { ackDeadlineSeconds: 60 }), await createQueue(api, "bench-low", { ackDeadlineSeconds: 60 })];
        const stamp = () => ({ "queuestack-enqueued-at": new Date().toISOString() });
        for (let i = 0; i < lowCount; i += 1000) await publish(api, low.topic, Array.from({ length: 1000 }, () => ({ body: '{"level":"low"}', attributes: stamp() })));
        const waits = { high: [] as number[], low: [] as number[] };
        const processor = async (raw: { body: string; enqueuedAt: Date }): Promise<Outcome> => {
            const level = JSON.parse(raw.body).level as "high" | "low";
            waits[level].push(Date.now() - raw.enqueuedAt.getTime());
            await sleep(handlerMs);
            return { kind: "done", result: null };
        };
        const poller = new PubsubPoller({
            processor,
            api,
            levels: [{ level: "high", weight: 3, subscriptions: [high.subscription], topic: high.topic }, { level: "low", weight: 1, subscriptions: [low.subscription], topic: low.topic }],
            promoteAfterSeconds,
            logger: createLogger({ name: "bench", level: "silent" }),
            concurrency,
            ackDeadlineSeconds: 60,
            drainSeconds: 10,
            idleMs: 20,
            longPoll: false,
        });
        const started = Date.now();
        const running = poller.run();
        let highSent = 0;
        for (let tick = 0; tick < streamSeconds * 10; tick++) {
            const batch = highPerSecond / 10;
            await publish(api, high.topic, Array.from({ length: batch }, () => ({ body: '{"level":"high"}', attributes: stamp() })));
            highSent += batch;
            await sleep(100);
        }
        while (waits.high.length + waits.low.length < highSent + lowCount && Date.now() - started < 600_000) await sleep(100);
        poller.stop();
        await running;
        const seconds = (ms: number) => (ms / 1000).toFixed(2);
        console.log(JSON.stringify({
            lowMessages: lowCount, highMessages: highSent, highPerSecond, concurrency, handlerMs, promoteAfterSeconds, weights: "3:1",
            processed: waits.high.length + waits.low.length, promoted: poller.counts.promoted, totalSeconds: seconds(Date.now() - started),
            highWaitP50Seconds: seconds(percentile(waits.high, 50)), highWaitP99Seconds: seconds(percentile(waits.high, 99)),
            oldestLowWaitSeconds: seconds(Math.max(...waits.low)),
        }, null, 1));
    } finally {
        await emulator.stop();
    }
}

main().then(() => process.exit(0), (error: unknown) => (console.error(error), process.exit(1)));
