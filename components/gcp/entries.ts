import { existsSync } from "node:fs";
import * as path from "node:path";

/** An adapter entry under workers/gcp, as TypeScript source or compiled JavaScript (installed package). */
function gcpEntry(file: string): string {
    const base = path.resolve(__dirname, "..", "..", "workers", "gcp", file);
    return existsSync(`${base}.ts`) ? `${base}.ts` : `${base}.js`;
}

/** The GCP adapter entries the components bundle (see components/build/bundle.ts). */
export const gcpWorkerEntries = {
    /** HTTP function answering Pub/Sub push deliveries (exports `handler`; imports `queuestack:handler`). */
    pushWorker: gcpEntry("push-worker"),
    /** HTTP front-end function (exports `handler`; no user module). */
    frontEnd: gcpEntry("front-end"),
    /** VM poller pulling from the subscription, a runnable script (imports `queuestack:handler`). */
    vmPoller: gcpEntry("vm-poller"),
} as const;
