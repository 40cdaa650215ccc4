import type * as pulumi from "@pulumi/pulumi";
import type { TracingSpec } from "./spec";

/**
 * The OTEL_* variables a function or VM of a stack with tracing on exports with (the runtime's
 * startEntryTracing reads them; workers/runtime/tracing/entry.ts): the OTLP/HTTP endpoint (spec
 * tracing.endpoint, else the cloud's default `fallbackEndpoint`) and `service.name`. None when
 * tracing is off, so nothing is exported.
 */
export function tracingEnvironment(tracing: TracingSpec | undefined, serviceName: pulumi.Input<string>, fallbackEndpoint?: string): Record<string, pulumi.Input<string>> {
    const endpoint = tracing?.endpoint ?? fallbackEndpoint;
    if (!tracing?.enabled || endpoint === undefined) return {};
    return { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SERVICE_NAME: serviceName };
}
