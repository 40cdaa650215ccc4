import type * as pulumi from "@pulumi/pulumi";
import { bundleWorker, entryFile } from "../build/bundle";

const gcpEntry = (file: string) => entryFile(`workers/gcp/${file}`);

/** The GCP adapter entries the components bundle (see components/build/bundle.ts). */
export const gcpWorkerEntries = {
    /** HTTP function answering Pub/Sub push deliveries (exports `handler`; imports `queuestack:handler`). */
    pushWorker: gcpEntry("push-worker"),
    /** HTTP front-end function (exports `handler`; no user module). */
    frontEnd: gcpEntry("front-end"),
    /** VM poller pulling from the subscription, a runnable script (imports `queuestack:handler`). */
    vmPoller: gcpEntry("vm-poller"),
} as const;

/** Where each GCP role's code comes from: one bundled JavaScript file per role. */
export interface GcpCodeSource {
    /** The push-fed function of a worker running `handlerModule` (exports `handler`). */
    pushWorker(handlerModule: string): pulumi.Input<string>;
    /** The HTTP front-end function (exports `handler`). */
    frontEnd(): pulumi.Input<string>;
    /** The VM poller script of a worker running `handlerModule`. */
    vmPoller(handlerModule: string): pulumi.Input<string>;
}

/** The default code source: bundles the GCP adapter entries with the user's worker modules. */
export const bundledGcpCode: GcpCodeSource = {
    pushWorker: (handlerModule) => bundleWorker({ entry: gcpWorkerEntries.pushWorker, handlerModule }),
    frontEnd: () => bundleWorker({ entry: gcpWorkerEntries.frontEnd }),
    vmPoller: (handlerModule) => bundleWorker({ entry: gcpWorkerEntries.vmPoller, handlerModule }),
};
