/**
 * `queuestack/testing`: run a Pulumi program (a whole stack or a few components) under Pulumi's
 * mocks, with no CLI, engine or credentials, and read what it would create.
 */
export { runOffline, valueOf, type OfflineOptions, type PlannedResource } from "./offline";
export { computedState } from "./computed-state";
export { loadStackConfig, StackConfigError } from "../stack-config";
