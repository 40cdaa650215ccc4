import { context, SpanKind, SpanStatusCode, trace, type Attributes, type Link, type Span, type SpanContext } from "@opentelemetry/api";
import type { RawMessage } from "../message";
import type { Outcome } from "../process";
import { extractHeaders, extractSpanContext, injectTraceContext, withoutTraceContext } from "./propagation";
import { operationTypes, queuestackAttributes as qs, semconv } from "./semconv";

/** The instrumentation scope of every queuestack span. */
export const tracerName = "queuestack";

const tracer = () => trace.getTracer(tracerName);

/** Where a traced message goes or comes from. */
export interface Destination {
    /** `messaging.system`: aws_sqs, servicebus, gcp_pubsub or queuestack_local (see messagingSystems). @default omitted */
    system?: string;
    /** The spec queue name (`messaging.destination.name`). */
    queue: string;
    /** The priority level, when the queue has levels. */
    level?: string;
}

const destinationAttributes = (to: Destination, operationType: string, operationName: string): Attributes => ({
    ...(to.system !== undefined ? { [semconv.messagingSystem]: to.system } : {}),
    [semconv.operationType]: operationType,
    [semconv.operationName]: operationName,
    [semconv.destinationName]: to.queue,
    ...(to.level !== undefined ? { [qs.level]: to.level } : {}),
});

const failed = (span: Span, error: unknown) => {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
};

/**
 * Runs a front end's request in a SERVER span `{method} {route}`, continuing the caller's trace when
 * it sent a `traceparent` header. The HTTP status `run` returns, or the `statusCode` of the error it
 * throws, is recorded as `http.response.status_code`; 5xx and errors without one mark the span failed.
 */
export async function traceAccept<T extends { statusCode: number }>(
    request: { method: string; route: string; header: (name: string) => string | undefined },
    run: () => Promise<T>,
): Promise<T> {
    const caller = extractHeaders(request.header);
    const parent = caller ? trace.setSpanContext(context.active(), caller) : context.active();
    const span = tracer().startSpan(`${request.method} ${request.route}`, {
        kind: SpanKind.SERVER,
        attributes: { [semconv.httpMethod]: request.method, [semconv.httpRoute]: request.route },
    }, parent);
    try {
        const answer = await context.with(trace.setSpan(parent, span), run);
        span.setAttribute(semconv.httpStatusCode, answer.statusCode);
        if (answer.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        return answer;
    } catch (error) {
        // A client error (e.g. IntakeError, with its statusCode) is an answer, not a failure of the span.
        const statusCode = (error as { statusCode?: unknown } | undefined)?.statusCode;
        if (typeof statusCode === "number") span.setAttribute(semconv.httpStatusCode, statusCode);
        if (typeof statusCode !== "number" || statusCode >= 500) failed(span, error);
        throw error;
    } finally {
        span.end();
    }
}

/** One message about to be sent: where to, its id and correlation id, and the attributes it will carry. */
export interface OutgoingMessage extends Destination {
    /** The message id, when the sender names it; a queue that assigns ids reports them through `send`'s `sent`. */
    id?: string;
    /** Receives `traceparent` (and `tracestate`): the message's creation context. */
    attributes: Record<string, string>;
    correlationId?: string;
}

/**
 * Sends messages under one PRODUCER span `send {queue}` each (children of the active span, e.g. the
 * front end's request), writing each span's context into its message's attributes before `send`
 * runs: that context is the message's creation context, the parent of every attempt to process it.
 * A queue that assigns message ids (SQS, SNS, Pub/Sub) reports each through `sent(index, id)`.
 */
export async function tracePublish<T>(messages: readonly OutgoingMessage[], send: (sent: (index: number, messageId: string) => void) => Promise<T>): Promise<T> {
    const spans = messages.map((message) => {
        const span = tracer().startSpan(`send ${message.queue}`, {
            kind: SpanKind.PRODUCER,
            attributes: {
                ...destinationAttributes(message, operationTypes.send, "send"),
                ...(message.id !== undefined ? { [semconv.messageId]: message.id } : {}),
                ...(message.correlationId !== undefined ? { [semconv.conversationId]: message.correlationId } : {}),
            },
        });
        injectTraceContext(message.attributes, trace.setSpan(context.active(), span));
        return span;
    });
    try {
        return await send((index, messageId) => spans[index]?.setAttribute(semconv.messageId, messageId));
    } catch (error) {
        for (const span of spans) failed(span, error);
        throw error;
    } finally {
        for (const span of spans) span.end();
    }
}

/** The span of each message's latest attempt, for the settle span the adapter records after it. */
const attempts = new WeakMap<object, SpanContext>();

/**
 * Runs one delivery in a CONSUMER span `process {queue}`: the child of the message's creation
 * context (so every attempt of a job is in its trace) with a link to it, as the conventions ask of
 * process spans. Records the attempt number and the outcome (done, duplicate, retry or
 * dead-letter, with the reason); a failed outcome marks the span failed.
 */
export async function traceAttempt(from: Destination, message: RawMessage, run: () => Promise<Outcome>, settle?: SettleFromOutcome): Promise<Outcome> {
    const creation = extractSpanContext(message.attributes);
    const correlationId = message.attributes["queuestack-correlation-id"];
    const span = tracer().startSpan(`process ${from.queue}`, {
        kind: SpanKind.CONSUMER,
        attributes: {
            ...destinationAttributes(from, operationTypes.process, "process"),
            [semconv.messageId]: message.id,
            [qs.attempt]: message.attempt,
            ...(correlationId !== undefined ? { [semconv.conversationId]: correlationId } : {}),
        },
        links: creation ? [{ context: creation }] : [],
    }, creation ? trace.setSpanContext(context.active(), creation) : context.active());
    attempts.set(message, span.spanContext());
    try {
        const outcome = await context.with(trace.setSpan(context.active(), span), run);
        span.setAttribute(qs.outcome, outcome.kind);
        if (outcome.kind === "retry" || outcome.kind === "dead-letter") {
            span.setAttribute(qs.reason, outcome.reason);
            span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.reason });
        }
        span.end();
        if (settle) {
            const reason = outcome.kind === "retry" || outcome.kind === "dead-letter" ? outcome.reason : undefined;
            traceSettle(from, message, settlementOf(outcome, message.attempt, settle.maxReceiveCount), reason);
        }
        return outcome;
    } catch (error) {
        failed(span, error);
        span.end();
        throw error;
    }
}

/**
 * Settle spans recorded from each attempt's outcome, for adapters whose queue settles by it (the
 * cloud workers: delete / complete / ack on done, a failed attempt left for redelivery, a
 * dead-letter outcome moved at once). The local pool records its own from the engine's answer.
 */
export interface SettleFromOutcome {
    /**
     * The queue's maxReceiveCount (spec queues[].maxReceiveCount; SQS redrive policy, Service Bus
     * maxDeliveryCount, Pub/Sub maxDeliveryAttempts): a failed attempt with this number is the last,
     * and the queue dead-letters the message. @default unknown: a failed attempt is always a nack
     */
    maxReceiveCount?: number;
}

/** The settlement an outcome leads to: done/duplicate ack, dead-letter dead_letter, retry nack (dead_letter on the last attempt). */
export function settlementOf(outcome: Outcome, attempt: number, maxReceiveCount?: number): Settlement {
    if (outcome.kind === "done" || outcome.kind === "duplicate") return "ack";
    if (outcome.kind === "dead-letter") return "dead_letter";
    return maxReceiveCount !== undefined && attempt >= maxReceiveCount ? "dead_letter" : "nack";
}

/**
 * How an adapter settled a delivery: `ack` (deleted / completed / acked), `nack` (left for another
 * attempt) or `dead_letter` (moved to the dead-letter queue, by the worker or by the queue after its
 * last attempt).
 */
export type Settlement = "ack" | "nack" | "dead_letter";

/** Records the CLIENT span `{settlement} {queue}` of a delivery, the child of its attempt's process span. */
export function traceSettle(from: Destination, message: RawMessage, settlement: Settlement, reason?: string): void {
    const attempt = attempts.get(message);
    if (!attempt) return;
    const span = tracer().startSpan(`${settlement} ${from.queue}`, {
        kind: SpanKind.CLIENT,
        attributes: {
            ...destinationAttributes(from, operationTypes.settle, settlement),
            [semconv.messageId]: message.id,
            [qs.attempt]: message.attempt,
            ...(reason !== undefined ? { [qs.reason]: reason } : {}),
        },
    }, trace.setSpanContext(context.active(), attempt));
    span.end();
}

/** A dead-lettered message about to be sent back to its queue. */
export interface RedrivenMessage {
    id: string;
    attributes: Readonly<Record<string, string>>;
}

/**
 * Redrives messages under one PRODUCER span `redrive {queue}` (a child of the active span, e.g. the
 * dashboard's request or the CLI's, else a new trace) linked to each message's earlier creation
 * context, a link per message carrying its `messaging.message.id`. `send` receives each message's
 * attributes with the redrive span as its new creation context, so the attempts after the redrive
 * are its children and the job's earlier trace is one link away.
 */
export async function traceRedrive<T>(to: Destination, messages: readonly RedrivenMessage[], send: (attributes: Record<string, string>[]) => Promise<T>): Promise<T> {
    const links: Link[] = messages.flatMap((message) => {
        const earlier = extractSpanContext(message.attributes);
        return earlier ? [{ context: earlier, attributes: { [semconv.messageId]: message.id } }] : [];
    });
    const span = tracer().startSpan(`redrive ${to.queue}`, {
        kind: SpanKind.PRODUCER,
        attributes: {
            ...destinationAttributes(to, operationTypes.send, "redrive"),
            [semconv.batchMessageCount]: messages.length,
            ...(messages.length === 1 ? { [semconv.messageId]: messages[0]!.id } : {}),
        },
        links,
    });
    const ctx = trace.setSpan(context.active(), span);
    const attributes = messages.map((message) => {
        const fresh = withoutTraceContext(message.attributes);
        injectTraceContext(fresh, ctx);
        // With tracing off the message keeps the context it had.
        return span.isRecording() ? fresh : { ...message.attributes };
    });
    try {
        return await context.with(ctx, () => send(attributes));
    } catch (error) {
        failed(span, error);
        throw error;
    } finally {
        span.end();
    }
}
