import type * as pulumi from "@pulumi/pulumi";
import type { TracingSpec } from "../spec";
import { tracingEnvironment } from "../tracing-environment";

/** Whether spans go straight to the stack's Application Insights: tracing on and no `tracing.endpoint` of the user's. */
export function exportsToAppInsights(tracing: TracingSpec | undefined): boolean {
    return tracing?.enabled === true && tracing.endpoint === undefined;
}

/**
 * The trace export variables of one Azure workload (a Function App or a VM worker):
 * - tracing off: none;
 * - `tracing.endpoint` set: the OTEL_* variables pointing at it (the user's collector);
 * - otherwise the stack's Application Insights: QUEUESTACK_TRACE_EXPORTER=azure-monitor (the
 *   runtime's Azure Monitor exporter, workers/azure/trace-export.ts, with the managed identity) and
 *   OTEL_SERVICE_NAME (Application Insights' cloud role name). The workload also needs
 *   APPLICATIONINSIGHTS_CONNECTION_STRING and Monitoring Metrics Publisher on the resource, which
 *   every Function App has already (FunctionApp) and a VM worker gets with tracing on.
 */
export function azureTracingEnvironment(tracing: TracingSpec | undefined, serviceName: pulumi.Input<string>): Record<string, pulumi.Input<string>> {
    if (!exportsToAppInsights(tracing)) return tracingEnvironment(tracing, serviceName);
    return { OTEL_SERVICE_NAME: serviceName, QUEUESTACK_TRACE_EXPORTER: "azure-monitor" };
}
