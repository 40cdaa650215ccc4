import { createHash } from "node:crypto";
import { type PlannedResource, runOffline } from "../../components/testing/offline";

/** Stack config of the offline GCP runs. */
export const gcpConfig = { "gcp:project": "demo-project", "gcp:region": "europe-west1" };

/** Runs `program` offline with the GCP config; returns its result and resources. */
export function runGcp<T>(program: () => T) {
    return runOffline(program, { config: gcpConfig, project: "queuestack", stack: "test" });
}

/** Resources of one type, in creation order. */
export const ofType = (resources: PlannedResource[], type: string) => resources.filter((r) => r.type === type);

/** The single resource with `name`; fails when absent. */
export function named(resources: PlannedResource[], name: string): PlannedResource {
    const found = resources.filter((r) => r.name === name);
    if (found.length !== 1) throw new Error(`expected one resource named ${name}, found ${found.length}: ${resources.map((r) => r.name).join(", ")}`);
    return found[0];
}

/** The hex the offline run gives the RandomId named `resourceName` (3 bytes): a fresh name's suffix. */
export const randomSuffix = (resourceName: string) => createHash("sha256").update(resourceName).digest("hex").slice(0, 6);
