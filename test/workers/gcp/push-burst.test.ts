import { strict as assert } from "node:assert";
import { FunctionWorker } from "../../../components/gcp";
import { createLogger, defineWorker } from "../../../workers/runtime";
import { pushGateFromEnv } from "../../../workers/gcp/push-gate";
import { createPushHandler } from "../../../workers/gcp/push-handler";
import { gcpWorkerFromEnv } from "../../../workers/gcp/worker-setup";
import { one } from "../../helpers/resources";
import { database, handlerCode } from "../../gcp/fixtures";
import { runGcp } from "../../gcp/offline-gcp";
import { type Emulator, gcloudAvailable, startEmulator } from "./emulators";
import { response } from "./pubsub-fixtures";

const concurrency = 4;
const burst = 10 * concurrency;

/** The planned push function of a worker with `concurrency`, and the settings the simulation takes from it. */
async function plannedFunction(pushHeadroom?: number) {
    const { resources } = await runGcp(
        () =>
            new FunctionWorker("scraper", {
                worker: { name: "scraper", queue: "scrape", concurrency, timeoutSeconds: 10 },
                queueName: "scrape",
                database,
                sourceBucket: "src-bucket",
                ackDeadlineSeconds: 60,
                code: handlerCode,
                pushHeadroom,
            }),
    );
    const config = (one(resources, "gcp:cloudfunctionsv2/function:Function").inputs as any).serviceConfig;
    return { instances: config.maxInstanceCount as number, requestsPerInstance: config.maxInstanceRequestConcurrency as number, environment: config.environmentVariables as Record<string, string> };
}

/**
 * Pushes `burst` deliveries at once at the planned function, as Cloud Run admits them: each instance
 * takes up to its maxInstanceRequestConcurrency requests, and a request no instance can take is
 * refused with 429 (a failed delivery attempt for Pub/Sub). Each instance runs the real push
 * handler with its own gate, over the Firestore emulator. Returns the statuses and the most
 * handlers that ever ran at once.
 */
async function pushBurst(planned: Awaited<ReturnType<typeof plannedFunction>>, firestoreHost: string, prefix: string) {
    let running = 0;
    let mostRunning = 0;
    const ran: string[] = [];
    const worker = defineWorker<{ n: number }>({
        async handle({ body }) {
            mostRunning = Math.max(mostRunning, ++running);
            await new Promise((resolve) => setTimeout(resolve, 20));
            ran.push(`${prefix}-${body.n}`);
            running--;
            return { n: body.n };
        },
    });
    const env = { ...planned.environment, QUEUESTACK_PROJECT_ID: "push-burst", QUEUESTACK_FIRESTORE_DATABASE: "(default)", FIRESTORE_EMULATOR_HOST: firestoreHost };
    const logger = createLogger({ name: "push-burst", level: "silent" });
    const instances = Array.from({ length: planned.instances }, () => ({ accepted: 0, handle: createPushHandler(gcpWorkerFromEnv({ default: worker }, env, logger).processor, logger, pushGateFromEnv(env)) }));
    const statuses = await Promise.all(
        Array.from({ length: burst }, async (_, n) => {
            const instance = instances.filter((i) => i.accepted < planned.requestsPerInstance).sort((a, b) => a.accepted - b.accepted)[0];
            if (!instance) return 429; // Cloud Run: no instance may take another request
            instance.accepted++;
            const { res, answer } = response();
            const data = Buffer.from(JSON.stringify({ n })).toString("base64");
            await instance.handle({ method: "POST", body: { message: { messageId: `${prefix}-${n}`, publishTime: new Date().toISOString(), data, attributes: {} }, subscription: "projects/push-burst/subscriptions/scrape", deliveryAttempt: 1 } }, res);
            instance.accepted--;
            return answer.status!;
        }),
    );
    const count = (status: number) => statuses.filter((s) => s === status).length;
    return { ok: count(200), refused: count(429), other: statuses.length - count(200) - count(429), mostRunning, ran };
}

describe("gcp push bursts (Firestore emulator, Cloud Run admission simulated from the planned function)", function () {
    this.timeout(120_000);
    let emulator: Emulator | undefined;
    before(async function () {
        if (!gcloudAvailable()) this.skip();
        emulator = await startEmulator("firestore");
    });
    after(() => emulator?.stop());

    it(`runs a burst of ${burst} deliveries (10 x concurrency) with no 429, each once, never more than ${concurrency} at a time`, async () => {
        const planned = await plannedFunction(10);
        assert.deepEqual([planned.instances, planned.requestsPerInstance], [concurrency, 10]);
        assert.deepEqual([planned.environment.QUEUESTACK_PUSH_SLOTS, planned.environment.QUEUESTACK_PUSH_MAX_WAIT_SECONDS], ["1", "45"]);
        const result = await pushBurst(planned, emulator!.hostPort, "headroom");
        assert.deepEqual({ ok: result.ok, refused: result.refused, other: result.other }, { ok: burst, refused: 0, other: 0 });
        assert.equal(new Set(result.ran).size, burst);
        assert.equal(result.ran.length, burst);
        assert.ok(result.mostRunning <= concurrency, `at most ${concurrency} ran at once (got ${result.mostRunning})`);
    });

    it(`with one request per instance (the default, as before push headroom), refuses ${burst - concurrency} of the ${burst} with 429: attempts lost to throttling`, async () => {
        const planned = await plannedFunction();
        assert.deepEqual([planned.instances, planned.requestsPerInstance], [concurrency, 1]);
        const result = await pushBurst(planned, emulator!.hostPort, "no-headroom");
        assert.deepEqual({ ok: result.ok, refused: result.refused, other: result.other }, { ok: concurrency, refused: burst - concurrency, other: 0 });
    });
});
