/**
 * The VM worker: a long-running process (a systemd service on each scale set instance) receiving
 * from the Service Bus queue with the instance's managed identity. Bundled with the user's module
 * as `queuestack:handler`. Environment: see azureWorkerFromEnv, plus QUEUESTACK_CONCURRENCY and
 * QUEUESTACK_VISIBILITY_TIMEOUT_SECONDS (the queue's lock duration). With QUEUESTACK_QUEUE_LEVELS it
 * receives from every priority level by weight and promotes waiting messages (PriorityQueueReceiver).
 * SIGTERM/SIGINT drain it, and so does a scale-in of its scale set: the runtime's ScaleInGuard reads
 * the instance's Terminate scheduled event (ScheduledEvents; QUEUESTACK_METADATA_ENDPOINT overrides
 * the metadata service's address) and approves it once drained.
 */
import { DefaultAzureCredential } from "@azure/identity";
import { ServiceBusClient } from "@azure/service-bus";
import exported from "queuestack:handler";
import { createLogger, requireInteger, runService, ScaleInGuard } from "../runtime";
import { PriorityQueueReceiver } from "./priority-receiver";
import { ServiceBusQueueReceiver } from "./receiver";
import { ScheduledEvents } from "./scheduled-events";
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
    const notice = new ScheduledEvents(env.QUEUESTACK_METADATA_ENDPOINT);
    if (worker.priorities) {
        logger.info({ namespace: worker.namespace, levels: worker.priorities.levels }, "receiving by priority");
        return new ScaleInGuard({ service: new PriorityQueueReceiver({ ...common, client, ...worker.priorities }), notice, logger });
    }
    const receiver = new ServiceBusQueueReceiver({ ...common, client, queueName: worker.queueName, sessions: worker.sessions });
    logger.info({ namespace: worker.namespace, queue: worker.queueName, sessions: worker.sessions }, "receiving");
    return new ScaleInGuard({ service: receiver, notice, logger });
});
