/**
 * queuestack's library entry (`queuestack`). Importing it creates no resource and loads no provider
 * SDK, and its types name none: the cloud components have their own entries, `queuestack/aws`,
 * `queuestack/azure` and `queuestack/gcp`, each needing only its own provider SDK.
 */
export * from "./spec";
export * from "./contract";
export { physicalName, type NameRule } from "./naming";
export { WebQueueWorker, type WebQueueWorkerArgs } from "./web-queue-worker";
export { specFromConfig } from "./spec-from-config";
