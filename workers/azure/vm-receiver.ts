/**
 * The VM worker: a long-running process (a systemd service on each scale set instance) receiving
 * from the Service Bus queue with the instance's managed identity. Bundled with the user's module
 * as `queuestack:handler`. Environment: see azureWorkerFromEnv, plus QUEUESTACK_CONCURRENCY and
 * QUEUESTACK_VISIBILITY_TIMEOUT_SECONDS (the queue's lock duration). With QUEUESTACK_QUEUE_LEVELS it
 * receives from every priority level by weight and promotes waiting messages (PriorityQueueReceiver).
 * SIGTERM/SIGINT drain it.
 */
import { DefaultAzureCredential } from "@azure/identity";
import { ServiceBusClient } from "@azure/service-bus";
import exported from "queuestack:handler";
import { createLogger, requireInteger, runService } from "../runtime";
import { PriorityQueueReceiver } from "./priority-receiver";
import { ServiceBusQueueReceiver } from "./receiver";
import { azureWorkerFromEnv } from "./worker-setup";
import { startEntryTracing } from "../runtime/tracing/entry";

const logger = createLogger({ name: "queuestack-vm-worker" });
startEntryTracing("queuestack-vm-worker");

runService(logger, () => {
    const env = process.env;
    const worker = azureWorkerFromEnv(exported, env, logger);
    const common = {
        processor: worker.processor,
        logger,
        concurrency: requireInteger(env, "QUEUESTACK_CONCURRENCY", "messages (or sessions) processed at once on this VM (spec workers[].concurrency)", { min: 1, max: 1000 }),
        lockDurationSeconds: requireInteger(env, "QUEUESTACK_VISIBILITY_TIMEOUT_SECONDS", "the queue's lock duration", { min: 1, max: 300 }),
        // Running attempts end by the worker timeout; the service manager allows more than this.
        drainSeconds: worker.settings.timeoutSeconds + 5,
    };
    const client = new ServiceBusClient(worker.namespace, new DefaultAzureCredential());
    if (worker.priorities) {
        logger.info({ namespace: worker.namespace, levels: worker.priorities.levels }, "receiving by priority");
        return new PriorityQueueReceiver({ ...common, client, ...worker.priorities });
    }
    const receiver = new ServiceBusQueueReceiver({ ...common, client, queueName: worker.queueName, sessions: worker.sessions });
    logger.info({ namespace: worker.namespace, queue: worker.queueName, sessions: worker.sessions }, "receiving");
    return receiver;
});
