/** queuestack on AWS: each role usable alone, composed by AwsWebQueueWorker. */
export { AwsWebQueueWorker } from "./stack";
export { Queue, type QueueArgs, type FeedingTopic } from "./queue";
export { FunctionWorker, type FunctionWorkerArgs } from "./workers-function";
export { VmWorker, type VmWorkerArgs, awsInstanceTypes, backlogPerInstanceMetrics } from "./workers-vm";
export { FrontEnd, type FrontEndArgs, type FrontEndDelayScheduler, type FrontEndQueue, type FrontEndTopic, frontEndTimeoutSeconds } from "./front-end";
export { Topic, type TopicArgs } from "./topic";
export { DelayScheduler, type DelaySchedulerArgs, type DelayTarget } from "./delay-scheduler";
export { LargeMessageBucket, type LargeMessageBucketArgs } from "./large-messages";
export { Datastore, type DatastoreArgs, expiryAttribute, partitionKey } from "./datastore";
export { Alarms, type AlarmsArgs, type WatchedFunction, type WatchedQueue, alarmDefinitions } from "./alarms";
export { Dashboard, type DashboardArgs, dashboardBody } from "./dashboard";
export { Network, type NetworkArgs } from "./network";
export { ArtifactBucket } from "./artifacts";
export type { BucketRef, LevelRef, QueueRef, TableRef } from "./refs";
export type { AwsPlacement } from "./context";
export { awsNames } from "./names";
