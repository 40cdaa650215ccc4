import { context, ROOT_CONTEXT, trace, type Context, type SpanContext } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";

/**
 * Message attributes that carry a job's W3C trace context (https://www.w3.org/TR/trace-context/):
 * `traceparent` always (when tracing is on), `tracestate` only when the trace has vendor state.
 * They count toward each platform's attribute limit: SQS 10 message attributes, Service Bus
 * application properties within the message size, Pub/Sub 100 attributes.
 */
export const traceContextAttributes = ["traceparent", "tracestate"] as const;

const propagator = new W3CTraceContextPropagator();

const setter = { set: (carrier: Record<string, string>, key: string, value: string) => void (carrier[key] = value) };
const getter = {
    get: (carrier: Readonly<Record<string, string>>, key: string) => (Object.hasOwn(carrier, key) ? carrier[key] : undefined),
    keys: (carrier: Readonly<Record<string, string>>) => Object.keys(carrier),
};

/** Writes the trace context of `ctx` (the active one by default) into `attributes`; nothing when no span is recording. */
export function injectTraceContext(attributes: Record<string, string>, ctx: Context = context.active()): void {
    propagator.inject(ctx, attributes, setter);
}

/** The span context a message's attributes carry (its creation context), or undefined when they carry none. */
export function extractSpanContext(attributes: Readonly<Record<string, string>>): SpanContext | undefined {
    return trace.getSpanContext(propagator.extract(ROOT_CONTEXT, attributes, getter));
}

/** The span context of an incoming `traceparent` / `tracestate` header pair, for a front end continuing a caller's trace. */
export function extractHeaders(header: (name: string) => string | undefined): SpanContext | undefined {
    const carrier: Record<string, string> = {};
    for (const name of traceContextAttributes) {
        const value = header(name);
        if (value !== undefined) carrier[name] = value;
    }
    return extractSpanContext(carrier);
}

/** The attributes without their trace context, for a message re-sent in a new trace. */
export function withoutTraceContext(attributes: Readonly<Record<string, string>>): Record<string, string> {
    const rest = { ...attributes };
    for (const name of traceContextAttributes) delete rest[name];
    return rest;
}
