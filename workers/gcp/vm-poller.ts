/**
 * The VM worker: a long-running process (a systemd service on each instance) pulling from the
 * subscription. Bundled with the user's module as `queuestack:handler`. Environment: see
 * gcpWorkerFromEnv, plus QUEUESTACK_SUBSCRIPTION, QUEUESTACK_CONCURRENCY and
 * QUEUESTACK_ACK_DEADLINE_SECONDS. SIGTERM/SIGINT drain it.
 */
import exported from "queuestack:handler";
import { createLogger, requireInteger, requireString } from "../runtime";
import { PubsubPoller } from "./poller";
import { pubsubApi } from "./pubsub-api";
import { gcpWorkerFromEnv } from "./worker-setup";

const logger = createLogger({ name: "queuestack-vm-worker" });

function main(): Promise<void> {
    const env = process.env;
    const worker = gcpWorkerFromEnv(exported, env, logger);
    const subscription = requireString(env, "QUEUESTACK_SUBSCRIPTION", "the Pub/Sub subscription this worker pulls from");
    const poller = new PubsubPoller({
        processor: worker.processor,
        api: pubsubApi(env),
        subscription,
        logger,
        concurrency: requireInteger(env, "QUEUESTACK_CONCURRENCY", "messages processed at once on this VM (spec workers[].concurrency)", { min: 1, max: 1000 }),
        ackDeadlineSeconds: requireInteger(env, "QUEUESTACK_ACK_DEADLINE_SECONDS", "the subscription's ack deadline", { min: 10, max: 600 }),
        // Running attempts end by the worker timeout; the service manager allows more than this.
        drainSeconds: worker.settings.timeoutSeconds + 5,
    });
    for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => poller.stop());
    logger.info({ subscription }, "pulling");
    return poller.run();
}

main().then(
    () => process.exit(0),
    (error: unknown) => {
        logger.fatal({ err: error }, "the worker could not run");
        process.exit(1);
    },
);
