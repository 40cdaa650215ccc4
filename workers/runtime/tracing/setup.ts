import { context, propagation, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { detectResourcesSync, envDetectorSync, Resource } from "@opentelemetry/resources";
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter, type SpanProcessor } from "@opentelemetry/sdk-trace-base";

/** What `startTracing` sets up besides what the OTEL_* environment variables ask for. */
export interface TracingOptions {
    /** `service.name` when OTEL_SERVICE_NAME does not set one (e.g. the stack's name). */
    serviceName: string;
    /** More span processors: the local target's SQLite store, a test's in-memory exporter. @default none */
    processors?: SpanProcessor[];
    /** More exporters, each batched (OTEL_BSP_*): e.g. Azure Monitor on Azure. @default none */
    exporters?: SpanExporter[];
    /** @default process.env */
    env?: NodeJS.ProcessEnv;
}

/** A running tracer provider. */
export interface Tracing {
    /** Exports every ended span now (before a function returns, or a process exits). */
    flush(): Promise<void>;
    /** Flushes, shuts the exporters down and unregisters the global tracer provider. */
    shutdown(): Promise<void>;
}

/** Whether the OTEL_* variables ask for OTLP export: an OTLP endpoint is set, or OTEL_TRACES_EXPORTER names otlp. */
export function otlpRequested(env: NodeJS.ProcessEnv): boolean {
    const exporters = (env.OTEL_TRACES_EXPORTER ?? "").split(",").map((name) => name.trim().toLowerCase());
    if (exporters.includes("none")) return false;
    return exporters.includes("otlp") || Boolean(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT);
}

/**
 * Registers the global tracer provider the runtime's spans go to, configured the standard way:
 * - `OTEL_SDK_DISABLED=true` turns tracing off (returns undefined; every span is a no-op);
 * - OTLP/HTTP (JSON) export when OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
 *   is set or OTEL_TRACES_EXPORTER=otlp, batched (OTEL_BSP_*), with OTEL_EXPORTER_OTLP_HEADERS etc.
 *   read by the exporter; OTEL_TRACES_EXPORTER=none turns it off; QUEUESTACK_OTLP_AUTH=google adds
 *   the service account's token for Cloud Trace (otlp-exporter.ts);
 * - OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES for the resource, OTEL_TRACES_SAMPLER(_ARG) for
 *   sampling;
 * - W3C trace context as the global propagator and AsyncLocalStorage for the active span.
 * Returns undefined, registering nothing, when there is nowhere to send spans.
 */
export function startTracing(options: TracingOptions): Tracing | undefined {
    const env = options.env ?? process.env;
    if ((env.OTEL_SDK_DISABLED ?? "").trim().toLowerCase() === "true") return undefined;
    const processors = [...(options.processors ?? []), ...(options.exporters ?? []).map((exporter) => new BatchSpanProcessor(exporter))];
    if (otlpRequested(env)) {
        // Loaded only when asked for: the OTLP exporter and its transformer are about a tenth of the
        // local runner's start-up (bench/cli-startup), and most processes export nothing.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { otlpExporter } = require("./otlp-exporter") as typeof import("./otlp-exporter");
        processors.push(new BatchSpanProcessor(otlpExporter(env)));
    }
    if (processors.length === 0) return undefined;

    const resource = new Resource({ "service.name": options.serviceName }).merge(detectResourcesSync({ detectors: [envDetectorSync] }));
    const provider = new BasicTracerProvider({ resource });
    for (const processor of processors) provider.addSpanProcessor(processor);
    const contextManager = new AsyncLocalStorageContextManager();
    provider.register({ contextManager, propagator: new W3CTraceContextPropagator() });
    let stopped: Promise<void> | undefined;
    return {
        flush: () => provider.forceFlush(),
        shutdown: () =>
            (stopped ??= provider.shutdown().finally(() => {
                trace.disable();
                context.disable();
                propagation.disable();
            })),
    };
}
