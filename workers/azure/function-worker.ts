/**
 * Azure Functions (Node.js v4 programming model) entry for Service Bus workers, bundled with the
 * user's module as `queuestack:handler`. Registers one Service Bus queue trigger on
 * `%QUEUESTACK_QUEUE_NAME%` through the identity-based `ServiceBusConnection` (settlement: see
 * serviceBusTriggerOptions). Environment: see azureWorkerFromEnv.
 */
import { app } from "@azure/functions";
import exported from "queuestack:handler";
import { createLogger } from "../runtime";
import { createServiceBusFunctionHandler, serviceBusTriggerOptions } from "./function-handler";
import { type AzureWorker, azureWorkerFromEnv } from "./worker-setup";
import { startEntryTracing } from "../runtime/tracing/entry";

const logger = createLogger({ name: process.env.WEBSITE_SITE_NAME ?? "queuestack-function-worker" });
let worker: AzureWorker | undefined;
const tracing = startEntryTracing(process.env.WEBSITE_SITE_NAME ?? "queuestack-function-worker");
const handle = createServiceBusFunctionHandler(() => (worker ??= azureWorkerFromEnv(exported, process.env, logger)), logger);

app.serviceBusQueue("worker", {
    ...serviceBusTriggerOptions(process.env),
    handler: (...args: Parameters<typeof handle>) => tracing.around(() => handle(...args)),
});
