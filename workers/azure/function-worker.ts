/**
 * Azure Functions (Node.js v4 programming model) entry for Service Bus workers, bundled with the
 * user's module as `queuestack:handler`. Registers one Service Bus queue trigger on
 * `%QUEUESTACK_QUEUE_NAME%` through the identity-based `ServiceBusConnection` (settlement: see
 * serviceBusTriggerOptions). Environment: see azureWorkerFromEnv, plus QUEUESTACK_INVOCATION_SECONDS
 * (the host's functionTimeout, which bounds how long a failed delivery is held).
 */
import { app } from "@azure/functions";
import exported from "queuestack:handler";
import { createLogger, requireInteger } from "../runtime";
import { createServiceBusFunctionHandler, type FunctionWorkerReady, serviceBusTriggerOptions } from "./function-handler";
import { azureWorkerFromEnv } from "./worker-setup";
import { startEntryTracing } from "../runtime/tracing/entry";

const logger = createLogger({ name: process.env.WEBSITE_SITE_NAME ?? "queuestack-function-worker" });
let worker: FunctionWorkerReady | undefined;
const ready = (): FunctionWorkerReady => ({
    ...azureWorkerFromEnv(exported, process.env, logger),
    invocationSeconds: requireInteger(process.env, "QUEUESTACK_INVOCATION_SECONDS", "the Functions host's functionTimeout, seconds", { min: 1, max: 86_400 }),
});
const tracing = startEntryTracing(process.env.WEBSITE_SITE_NAME ?? "queuestack-function-worker");
const handle = createServiceBusFunctionHandler(() => (worker ??= ready()), logger);

app.serviceBusQueue("worker", {
    ...serviceBusTriggerOptions(process.env),
    handler: (...args: Parameters<typeof handle>) => tracing.around(() => handle(...args)),
});
