/**
 * The VM worker: a long-running process (a systemd service on each instance) pulling from the
 * subscriptions. Bundled with the user's module as `queuestack:handler`. Environment: see
 * gcpWorkerFromEnv, plus QUEUESTACK_LEVELS ([{"level"?, "weight", "subscriptions": [...],
 * "topic"?}], highest first), QUEUESTACK_PROMOTE_AFTER_SECONDS, QUEUESTACK_CONCURRENCY and
 * QUEUESTACK_ACK_DEADLINE_SECONDS. SIGTERM/SIGINT drain it.
 */
import exported from "queuestack:handler";
import { ConfigError, createLogger, type Env, requireInteger, requireJson } from "../runtime";
import { type PollLevel, PubsubPoller } from "./poller";
import { pubsubApi } from "./pubsub-api";
import { gcpWorkerFromEnv } from "./worker-setup";
import { startEntryTracing } from "../runtime/tracing/entry";

const logger = createLogger({ name: "queuestack-vm-worker" });
startEntryTracing("queuestack-vm-worker");

/** QUEUESTACK_LEVELS, checked. */
function readLevels(env: Env): PollLevel[] {
    const value = requireJson(env, "QUEUESTACK_LEVELS", "the levels this worker pulls, highest first");
    const valid = Array.isArray(value) && value.length > 0 && value.every((l) =>
        l !== null && typeof l === "object" && Number.isInteger(l.weight) && l.weight >= 1 &&
        Array.isArray(l.subscriptions) && l.subscriptions.length > 0 && l.subscriptions.every((s: unknown) => typeof s === "string"));
    if (!valid) throw new ConfigError(`QUEUESTACK_LEVELS must be a list of { "weight": 1 or more, "subscriptions": [string, ...], "topic"?: string } (got ${JSON.stringify(value)}).`);
    return value as PollLevel[];
}

function main(): Promise<void> {
    const env = process.env;
    const worker = gcpWorkerFromEnv(exported, env, logger);
    const levels = readLevels(env);
    const poller = new PubsubPoller({
        processor: worker.processor,
        api: pubsubApi(env),
        levels,
        promoteAfterSeconds: requireInteger(env, "QUEUESTACK_PROMOTE_AFTER_SECONDS", "seconds before a message moves up one level (spec priorities.promoteAfterSeconds)", { min: 1, max: 86_400 }),
        logger,
        concurrency: requireInteger(env, "QUEUESTACK_CONCURRENCY", "messages processed at once on this VM (spec workers[].concurrency)", { min: 1, max: 1000 }),
        ackDeadlineSeconds: requireInteger(env, "QUEUESTACK_ACK_DEADLINE_SECONDS", "the subscription's ack deadline", { min: 10, max: 600 }),
        // Running attempts end by the worker timeout; the service manager allows more than this.
        drainSeconds: worker.settings.timeoutSeconds + 5,
    });
    for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => poller.stop());
    logger.info({ levels }, "pulling");
    return poller.run();
}

main().then(
    () => process.exit(0),
    (error: unknown) => {
        logger.fatal({ err: error }, "the worker could not run");
        process.exit(1);
    },
);
