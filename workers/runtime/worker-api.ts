/**
 * `queuestack/worker`: what a worker module needs, and nothing that pulls in a cloud SDK.
 *
 * ```ts
 * import { defineWorker, PermanentError } from "queuestack/worker";
 * export default defineWorker<{ url: string }>({ async handle(message, { signal }) { ... } });
 * ```
 */
export { defineWorker } from "./define-worker";
export type { IdempotencyKeySource, WorkerContext, WorkerDefinition, WorkerOptions } from "./define-worker";
export { PermanentError, isPermanent } from "./errors";
export type { Message } from "./message";
export type { Logger } from "./log";
