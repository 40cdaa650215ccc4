/** queuestack on Google Cloud: each role usable alone, composed by GcpWebQueueWorker. */
export { GcpWebQueueWorker, type GcpWebQueueWorkerArgs } from "./stack";
export { RequiredApis, type RequiredApisArgs, requiredApis } from "./apis";
export { Queue, type QueueArgs, type PushDelivery, ackDeadlineOf, defaultRetryBackoff } from "./queue";
export { FunctionWorker, type FunctionWorkerArgs } from "./workers-function";
export { VmWorker, type VmWorkerArgs, type SubscriptionRef, backlogMetric, gcpMachineTypes, nodeVersion, workerImage } from "./workers-vm";
export { FrontEnd, type FrontEndArgs, type FrontEndTopic, apiKeyVariable } from "./front-end";
export { Datastore, type DatastoreArgs, expiryField, firestoreCollections } from "./datastore";
export { Alarms, type AlarmsArgs, type AlarmedFunction, type AlarmedQueue } from "./alarms";
export { Dashboard, type DashboardArgs } from "./dashboard";
export { Network, type NetworkArgs } from "./network";
export { SourceBucket, type SourceBucketArgs } from "./source-bucket";
export { cloudFunction, functionEntryPoint, functionRuntime, type CloudFunctionArgs, type SecretVariable } from "./cloud-function";
export { type DatabaseRef, grantDatabaseAccess, workloadServiceAccount } from "./identity";
export { functionErrorsFilter, pubsubMetrics, subscriptionFilter } from "./metrics";
export { gcpWorkerEnvironment, idempotencyStoreKey } from "./worker-environment";
export { bundledGcpCode, gcpWorkerEntries, type GcpCodeSource } from "./entries";
export { type GcpPlacement, pubsubServiceAgent } from "./context";
export { type GcpNameRule, gcpLabels, gcpName, gcpNames } from "./names";
