export { traceContextAttributes, injectTraceContext, extractSpanContext, extractHeaders, withoutTraceContext } from "./propagation";
export { semconv, queuestackAttributes, messagingSystems, operationTypes } from "./semconv";
export { tracerName, traceAccept, tracePublish, traceAttempt, traceSettle, traceRedrive, settlementOf } from "./spans";
export type { Destination, OutgoingMessage, RedrivenMessage, Settlement, SettleFromOutcome } from "./spans";
export { startTracing, otlpRequested } from "./setup";
export type { Tracing, TracingOptions } from "./setup";
export { settleSpansFromEnv } from "./settle-env";
export { routeTemplate } from "./http-route";
