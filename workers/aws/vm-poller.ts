/**
 * The VM worker: a long-running process (a systemd service on each instance) consuming the queue.
 * Bundled with the user's module as `queuestack:handler`. Environment: see awsWorkerFromEnv, plus
 * QUEUESTACK_CONCURRENCY, QUEUESTACK_VISIBILITY_TIMEOUT_SECONDS and, for a queue with priority
 * levels, QUEUESTACK_QUEUE_LEVELS (consumed by weight). SIGTERM/SIGINT drain it, and so does a
 * scale-in of its Auto Scaling group (ScaleInGuard, reading the instance metadata service).
 */
import exported from "queuestack:handler";
import { createLogger, requireInteger, runService } from "../runtime";
import { SqsPoller } from "./poller";
import { LifecycleState, ScaleInGuard } from "./scale-in";
import { awsWorkerFromEnv } from "./worker-setup";
import { startEntryTracing } from "../runtime/tracing/entry";

const logger = createLogger({ name: "queuestack-vm-worker" });
startEntryTracing("queuestack-vm-worker");

runService(logger, () => {
    const worker = awsWorkerFromEnv(exported, process.env, logger);
    const levels = worker.levels;
    const poller = new SqsPoller({
        processor: worker.processor,
        sqs: worker.sqs,
        ...(levels ? { queues: levels.levels, promoteAfterSeconds: levels.promoteAfterSeconds } : { queueUrl: worker.queueUrl }),
        logger,
        concurrency: requireInteger(process.env, "QUEUESTACK_CONCURRENCY", "messages processed at once on this VM (spec workers[].concurrency)", { min: 1, max: 1000 }),
        visibilityTimeoutSeconds: requireInteger(process.env, "QUEUESTACK_VISIBILITY_TIMEOUT_SECONDS", "the queue's visibility timeout", { min: 1, max: 43_200 }),
        // Running attempts end by the worker timeout; the service manager allows more than this.
        drainSeconds: worker.settings.timeoutSeconds + 5,
    });
    logger.info(levels ? { levels: levels.levels.map((l) => `${l.level}:${l.weight}`) } : { queueUrl: worker.queueUrl }, "polling");
    return new ScaleInGuard({ poller, lifecycle: new LifecycleState(process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT), logger });
});
