/**
 * queuestack's library entry. Importing it creates no resource and loads no provider SDK; the
 * cloud namespaces (`aws`, `azure`, `gcp`) load their SDK on first use.
 */
import { requireCloudModule } from "./cloud-loader";
import { lazyModule } from "./lazy-module";

export * from "./spec";
export * from "./contract";
export { physicalName, type NameRule } from "./naming";
export { WebQueueWorker, type WebQueueWorkerArgs } from "./web-queue-worker";
export { specFromConfig } from "./spec-from-config";

/** AWS components (SQS, Lambda, EC2 Auto Scaling, API Gateway, DynamoDB, CloudWatch). Needs @pulumi/aws. */
export const aws: typeof import("./aws") = lazyModule(() => requireCloudModule("./aws", "@pulumi/aws", "aws"));
/** Azure components (Service Bus, Functions, VM Scale Sets, Cosmos DB, Azure Monitor). Needs @pulumi/azure-native. */
export const azure: typeof import("./azure") = lazyModule(() => requireCloudModule("./azure", "@pulumi/azure-native", "azure"));
/** Google Cloud components (Pub/Sub, Cloud Functions, managed instance groups, Firestore, Cloud Monitoring). Needs @pulumi/gcp. */
export const gcp: typeof import("./gcp") = lazyModule(() => requireCloudModule("./gcp", "@pulumi/gcp", "gcp"));
