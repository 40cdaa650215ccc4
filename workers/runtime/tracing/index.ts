export { traceContextAttributes, injectTraceContext, extractSpanContext, extractHeaders, withoutTraceContext } from "./propagation";
export { semconv, queuestackAttributes, messagingSystems, operationTypes } from "./semconv";
export { tracerName, traceAccept, tracePublish, traceAttempt, traceSettle, traceRedrive } from "./spans";
export type { Destination, OutgoingMessage, RedrivenMessage, Settlement } from "./spans";
export { startTracing, otlpRequested } from "./setup";
export type { Tracing, TracingOptions } from "./setup";
