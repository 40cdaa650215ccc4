import { queueLevels, type Spec } from "../../components/spec";
import { correlationAttribute, type Outcome } from "../../workers/runtime";
import { messagingSystems, traceRedrive, tracePublish, traceSettle, type Destination, type Settlement } from "../../workers/runtime/tracing";
import type { FastifyRequest } from "fastify";
import type { QueueEngine } from "../engine/queue-engine";
import type { Delivery, SendOptions } from "../engine/types";

/** The spec queue and priority level behind each engine queue (`scrape`, `scrape-high`...), as trace destinations. */
export function localDestinations(spec: Spec): Map<string, Destination> {
    return new Map(spec.queues.flatMap((queue) => queueLevels(queue).map((l) => [l.name, {
        system: messagingSystems.local,
        queue: queue.name,
        ...(l.level ? { level: l.level } : {}),
    }] as const)));
}

const destinationOf = (destinations: Map<string, Destination>, engineQueue: string): Destination =>
    destinations.get(engineQueue) ?? { system: messagingSystems.local, queue: engineQueue };

/** Sends the front end's copies under a producer span each, their trace context written into their attributes. */
export function publishCopies<T>(destinations: Map<string, Destination>, copies: (SendOptions & { queue: string })[], send: () => Promise<T>): Promise<T> {
    return tracePublish(copies.map((copy) => {
        copy.attributes ??= {};
        const correlationId = copy.attributes[correlationAttribute];
        return { ...destinationOf(destinations, copy.queue), id: copy.id!, attributes: copy.attributes, ...(correlationId !== undefined ? { correlationId } : {}) };
    }), send);
}

const settlements: Record<string, Settlement | undefined> = { deleted: "ack", retry: "nack", "dead-letter": "dead_letter" };

/** Records how the worker pool settled a delivery (nothing for a stale receipt). */
export function settledLocally(queue: string, delivery: Delivery, disposition: string, outcome: Outcome): void {
    const settlement = settlements[disposition];
    if (!settlement) return;
    traceSettle({ system: messagingSystems.local, queue }, delivery, settlement, "reason" in outcome ? outcome.reason : undefined);
}

/**
 * Redrives a dead-letter queue (all, or the messages in `ids`) under a `redrive` span linked to each
 * message's earlier trace; the messages carry the redrive span as their new trace context.
 */
export async function redriveTraced(engine: QueueEngine, destinations: Map<string, Destination>, queue: string, ids?: string[]): Promise<number> {
    const wanted = ids ? new Set(ids) : undefined;
    const messages = engine.deadLetters.list(queue, -1).filter((message) => !wanted || wanted.has(message.id));
    return traceRedrive(destinationOf(destinations, queue), messages, (attributes) => {
        const fresh = new Map(messages.map((message, i) => [message.id, attributes[i]!]));
        return engine.group.run(() => engine.deadLetters.redrive(queue, ids, (id) => fresh.get(id)));
    });
}

/** What the front end's SERVER span reads of a request: method, route template and headers (for an incoming traceparent). */
export function acceptedRequest(request: FastifyRequest, parts: { header(name: string): string | undefined }) {
    // Fastify's `:queue` written `{queue}`, as the cloud front ends name their routes.
    return { method: request.method, route: (request.routeOptions.url ?? request.url).replace(/:(\w+)/g, "{$1}"), header: (name: string) => parts.header(name) };
}
