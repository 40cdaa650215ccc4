export * from "./clouds";
export * from "./derive";
export { SpecError, formatIssue, type SpecIssue, type SpecPath } from "./issues";
export * from "./schema";
export type { QueueSpec, QueueSpecInput } from "./queue-schema";
export type { WorkerSpec, WorkerSpecInput } from "./worker-schema";
export { checkSpec, validateSpec, type SpecCheck } from "./validate";
export { specJsonSchema } from "./json-schema";
