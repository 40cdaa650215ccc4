import type { Cloud } from "./spec";
import type { CloudStackClass } from "./contract";
import { withOptionalPackages } from "./optional-package";

/** Each Pulumi cloud's module and the provider SDK it needs. Loaded on demand only. */
const cloudModules: Record<Exclude<Cloud, "local">, { module: string; exportName: string; sdk: string }> = {
    aws: { module: "./aws", exportName: "AwsWebQueueWorker", sdk: "@pulumi/aws" },
    azure: { module: "./azure", exportName: "AzureWebQueueWorker", sdk: "@pulumi/azure-native" },
    gcp: { module: "./gcp", exportName: "GcpWebQueueWorker", sdk: "@pulumi/gcp" },
};

/** Requires a module, turning a missing provider SDK into an error that says what to install. */
export function requireCloudModule<T>(modulePath: string, sdk: string, cloud: string): T {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return withOptionalPackages(`queuestack: cloud "${cloud}"`, [sdk], () => require(modulePath) as T);
}

/** The whole-stack component for `cloud`, loading only that cloud's provider SDK. */
export function loadCloudStack(cloud: Cloud): CloudStackClass {
    if (cloud === "local") {
        throw new Error('queuestack: the "local" target runs on this machine with `npm start`, not through Pulumi. Set queuestack:cloud to aws, azure or gcp.');
    }
    const entry = cloudModules[cloud];
    const loaded = requireCloudModule<Record<string, CloudStackClass>>(entry.module, entry.sdk, cloud);
    return loaded[entry.exportName];
}
