/** queuestack on Google Cloud: each role usable alone, composed by GcpWebQueueWorker. */
export { GcpWebQueueWorker, type GcpWebQueueWorkerArgs } from "./stack";
export { RequiredApis, type RequiredApisArgs, requiredApis } from "./apis";
export { Queue, type QueueArgs, type PushDelivery, ackDeadlineOf, defaultRetryBackoff } from "./queue";
export { FunctionWorker, type FunctionWorkerArgs, type FunctionLevel } from "./workers-function";
export { VmWorker, type VmWorkerArgs, type PollLevel, type SubscriptionRef, backlogMetric, gcpMachineTypes, workerImage } from "./workers-vm";
export { installNodeScript, nodeVersion, vmNodeRelease, vmNodeReleases } from "./vm-node";
export { FrontEnd, type FrontEndArgs, type FrontEndLevel, type FrontEndQueue, type FrontEndTopic, apiKeyVariable } from "./front-end";
export { FanOutTopic, type FanOutTopicArgs, type FanOutSubscriber, type FanOutSubscription } from "./fan-out";
export { DelayScheduler, type DelaySchedulerArgs, type DelayRetry, type DelayTarget, grantDelayScheduling } from "./delay-scheduler";
export { LargeMessageBucket, type LargeMessageBucketArgs, blobBucketVariable, grantBlobAccess } from "./large-messages";
export { queueSubscriptionArgs, type QueueSubscriptionSettings } from "./subscription";
export { Datastore, type DatastoreArgs, expiryField, firestoreCollections } from "./datastore";
export { Alarms, type AlarmsArgs, type AlarmedFunction, type AlarmedQueue } from "./alarms";
export { Dashboard, type DashboardArgs } from "./dashboard";
export { Network, type NetworkArgs } from "./network";
export { SourceBucket, type SourceBucketArgs } from "./source-bucket";
export { FunctionBuild, type FunctionBuildArgs, type FunctionBuildSettings } from "./function-build";
export { cloudFunction, functionEntryPoint, functionRuntime, type CloudFunctionArgs, type SecretVariable } from "./cloud-function";
export { type DatabaseRef, grantDatabaseAccess, workloadServiceAccount } from "./identity";
export { functionErrorsFilter, pubsubMetrics, subscriptionFilter } from "./metrics";
export { gcpWorkerEnvironment } from "./worker-environment";
/** Where a consumer declares its idempotency store: an environment variable on functions, a metadata key on instance templates. */
export { idempotencyStoreKey } from "../declarations";
export { bundledGcpCode, gcpWorkerEntries, type GcpCodeSource } from "./entries";
export { type GcpPlacement } from "./context";
export { type ServiceAgent, ServiceAgents, serviceAgent, serviceAgentServices } from "./service-agents";
export { type GcpNameRule, gcpLabels, gcpName, gcpNames } from "./names";
