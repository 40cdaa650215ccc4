import * as projects from "@pulumi/gcp/projects";
import * as pulumi from "@pulumi/pulumi";
import type { TracingSpec } from "../spec";
import { tracingEnvironment } from "../tracing-environment";
import { serviceAccountMember } from "./context";

/**
 * Cloud Trace's OTLP endpoint: the Telemetry API, which takes OTLP/HTTP at `<endpoint>/v1/traces`
 * (https://cloud.google.com/stackdriver/docs/reference/telemetry/api) with an OAuth token of scope
 * trace.append or cloud-platform; the runtime sends its service account's token from the metadata
 * server (QUEUESTACK_OTLP_AUTH=google, workers/runtime/tracing/otlp-exporter.ts).
 */
export const cloudTraceEndpoint = "https://telemetry.googleapis.com";

/**
 * The narrowest predefined role that writes traces: `roles/cloudtrace.agent` holds exactly
 * `cloudtrace.traces.patch` and `telemetry.traces.write` (the Telemetry API's permission), and is
 * granted on the project, its lowest level (https://cloud.google.com/iam/docs/roles-permissions/cloudtrace).
 */
export const traceWriterRole = "roles/cloudtrace.agent";

/** APIs a stack exporting to Cloud Trace needs: the Telemetry API it writes to and Cloud Trace, which stores and shows the spans. */
export const cloudTraceApis = ["telemetry.googleapis.com", "cloudtrace.googleapis.com"];

/** Whether spans go straight to Cloud Trace: tracing on and no `tracing.endpoint` of the user's. */
export function exportsToCloudTrace(tracing: TracingSpec | undefined): boolean {
    return tracing?.enabled === true && tracing.endpoint === undefined;
}

/**
 * The trace export variables of one GCP workload (a function or a VM worker):
 * - tracing off: none;
 * - `tracing.endpoint` set: the OTEL_* variables pointing at it (the user's collector);
 * - otherwise straight to Cloud Trace: the OTEL_* variables pointing at the Telemetry API,
 *   `gcp.project_id` as a resource attribute (the project the spans belong to) and
 *   QUEUESTACK_OTLP_AUTH=google (the service account's token on each export).
 * `serviceName` is the spans' `service.name` (the function or instance group name).
 */
export function gcpTracingEnvironment(tracing: TracingSpec | undefined, serviceName: pulumi.Input<string>, project: pulumi.Input<string>): Record<string, pulumi.Input<string>> {
    if (!exportsToCloudTrace(tracing)) return tracingEnvironment(tracing, serviceName);
    return {
        ...tracingEnvironment(tracing, serviceName, cloudTraceEndpoint),
        OTEL_RESOURCE_ATTRIBUTES: pulumi.interpolate`gcp.project_id=${project}`,
        QUEUESTACK_OTLP_AUTH: "google",
    };
}

/** When spans go to Cloud Trace, `roles/cloudtrace.agent` on the project for a workload's service account (`<name>-write-traces`); otherwise nothing. */
export function grantTraceWriting(name: string, tracing: TracingSpec | undefined, serviceAccountEmail: pulumi.Input<string>, project: pulumi.Input<string>, opts: pulumi.CustomResourceOptions): void {
    if (!exportsToCloudTrace(tracing)) return;
    new projects.IAMMember(`${name}-write-traces`, { project, role: traceWriterRole, member: serviceAccountMember(serviceAccountEmail) }, opts);
}
