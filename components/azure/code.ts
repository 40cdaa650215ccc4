import * as pulumi from "@pulumi/pulumi";
import { bundleWorker, entryFile } from "../build/bundle";

const azureEntry = (name: string) => entryFile(`workers/azure/${name}`);

/** The Azure adapter entries the components bundle (written by the worker runtime). */
export const azureWorkerEntries = {
    /** Function App with a Service Bus trigger on `%QUEUESTACK_QUEUE_NAME%` (imports `queuestack:handler`). */
    functionWorker: azureEntry("function-worker"),
    /** Function App with the HTTP trigger that validates, authenticates and enqueues (no user module). */
    frontEnd: azureEntry("front-end"),
    /** Runnable Service Bus receiver for scale set instances (imports `queuestack:handler`). */
    vmReceiver: azureEntry("vm-receiver"),
} as const;

/** Where each Azure role's code comes from; the default bundles `azureWorkerEntries`. */
export interface AzureCodeSource {
    /** The zipped Function App of a Service Bus worker running `handlerModule`. */
    functionWorker(handlerModule: string): pulumi.Input<pulumi.asset.Archive>;
    /** The zipped Function App of the HTTP front end. */
    frontEnd(): pulumi.Input<pulumi.asset.Archive>;
    /** The single-file receiver script a scale set instance runs with `node`. */
    vmReceiver(handlerModule: string): pulumi.Input<string>;
}

/**
 * host.json of every queuestack Function App. Trigger settings (concurrency, lock renewal,
 * auto-complete) are app settings instead (`serviceBusHostSettings`), so one package fits all.
 */
export const hostJson = { version: "2.0", extensionBundle: { id: "Microsoft.Azure.Functions.ExtensionBundle", version: "[4.*, 5.0.0)" } };

/** A Function App zip: the bundled entry as index.js, its package.json and host.json. */
export function functionAppArchive(bundle: pulumi.Input<string>): pulumi.Output<pulumi.asset.AssetArchive> {
    return pulumi.output(bundle).apply(
        (code) =>
            new pulumi.asset.AssetArchive({
                "index.js": new pulumi.asset.StringAsset(code),
                "package.json": new pulumi.asset.StringAsset(JSON.stringify({ name: "queuestack-function", main: "index.js" })),
                "host.json": new pulumi.asset.StringAsset(JSON.stringify(hostJson)),
            }),
    );
}

/** The code source that bundles the Azure adapter entries with esbuild (offline). */
export const bundledAzureCode: AzureCodeSource = {
    functionWorker: (handlerModule) => functionAppArchive(bundleWorker({ entry: azureWorkerEntries.functionWorker, handlerModule })),
    frontEnd: () => functionAppArchive(bundleWorker({ entry: azureWorkerEntries.frontEnd })),
    vmReceiver: (handlerModule) => bundleWorker({ entry: azureWorkerEntries.vmReceiver, handlerModule }),
};
