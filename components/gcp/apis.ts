import * as projects from "@pulumi/gcp/projects";
import * as pulumi from "@pulumi/pulumi";
import { childOptions } from "./context";
import { type Spec, needsDelayScheduler } from "../spec";
import { cloudTraceApis, exportsToCloudTrace } from "./tracing";

/**
 * Services every queuestack stack on Google Cloud uses. Cloud Resource Manager serves the
 * project-level IAM bindings (`projects.IAMMember` reads and writes the project's IAM policy with
 * `projects.getIamPolicy`/`setIamPolicy`: https://cloud.google.com/resource-manager/reference/rest/v1/projects/setIamPolicy);
 * nothing looks the project number up any more (service agents come from ServiceIdentity, see
 * service-agents.ts), so no read happens before this list is enabled. Service Usage
 * (`serviceusage.googleapis.com`, on by default in every project) is the one API that must already
 * be on: it is what enables these and provisions the service agents.
 */
const coreApis = [
    "cloudresourcemanager.googleapis.com",
    "iam.googleapis.com",
    "pubsub.googleapis.com",
    "firestore.googleapis.com",
    "monitoring.googleapis.com",
    "storage.googleapis.com",
];
/** Cloud Functions (2nd gen) run on Cloud Run and are built by Cloud Build into Artifact Registry. */
const functionApis = ["cloudfunctions.googleapis.com", "run.googleapis.com", "cloudbuild.googleapis.com", "artifactregistry.googleapis.com"];
const frontEndApis = ["secretmanager.googleapis.com"];
const vmApis = ["compute.googleapis.com"];
/** Delays longer than Pub/Sub offers (any, on gcp) are scheduled with Cloud Tasks. */
const delayApis = ["cloudtasks.googleapis.com"];

/**
 * The APIs a spec needs. Eventarc is not among them: function workers are fed by push
 * subscriptions (see workers-function.ts).
 */
export function requiredApis(spec: Spec): string[] {
    const kinds = new Set(spec.workers.map((w) => w.kind));
    const delayed = spec.queues.some((q) => needsDelayScheduler(q, "gcp"));
    return [...coreApis, ...functionApis, ...frontEndApis, ...(kinds.has("vm") ? vmApis : []), ...(delayed ? delayApis : []), ...(exportsToCloudTrace(spec.tracing) ? cloudTraceApis : [])];
}

export interface RequiredApisArgs {
    /** Service names to enable, e.g. `pubsub.googleapis.com` (see requiredApis). */
    services: string[];
    /**
     * Leave the APIs on when the stack is destroyed, so other workloads in the project keep working.
     * @default false (maps to `disableOnDestroy`)
     */
    disableOnDestroy?: boolean;
}

/** Enables the project APIs a stack uses, as resources, so every role can depend on them. */
export class RequiredApis extends pulumi.ComponentResource {
    readonly services: projects.Service[];

    constructor(name: string, args: RequiredApisArgs, opts?: pulumi.ComponentResourceOptions) {
        super("queuestack:gcp:RequiredApis", name, {}, opts);
        const parent = childOptions(this, opts);
        this.services = [...new Set(args.services)].map(
            (service) =>
                new projects.Service(
                    `${name}-${service.split(".")[0]}`,
                    { service, disableOnDestroy: args.disableOnDestroy ?? false, disableDependentServices: false },
                    parent,
                ),
        );
        this.registerOutputs({ services: this.services.map((s) => s.service) });
    }
}
