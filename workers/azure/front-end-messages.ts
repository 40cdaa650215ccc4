import { createHash, randomUUID } from "node:crypto";
import type { ServiceBusMessage } from "@azure/service-bus";
import {
    type BlobStore,
    type MessageRouting,
    type RequestParts,
    type RoutingOptions,
    checkIn,
    claimCheckLimitBytes,
    IntakeError,
    correlationAttribute,
    enqueuedAtAttribute,
    routeMessage,
} from "../runtime";

/** Service Bus Standard's message limit, the default when a target names none. */
const standardMaxMessageBytes = 256 * 1024;

/** A place the front end sends to: a spec queue (with its priority levels) or a fan-out topic. */
export interface SendTarget {
    /** Spec name, as callers address it (`/queues/{name}/messages`, `/topics/{name}`). */
    name: string;
    /** Physical Service Bus queue or topic; for a queue with levels, its default level's queue. */
    entity: string;
    /** The entity (or every subscriber of the topic) requires sessions: messages need a group key. */
    sessions: boolean;
    /** Priority levels, highest first, each its own Service Bus queue. @default none */
    levels?: { name: string; entity: string }[];
    /** Level used when the sender names none. @default the lowest level */
    defaultLevel?: string;
    /** Longest per-message delay a sender may ask, seconds (spec `maxDelaySeconds`). @default 0 */
    maxDelaySeconds?: number;
    /** Body path of the group key (spec `groupKey`). @default none */
    groupKey?: string;
    /** Body path of the deduplication id (spec `deduplicationKey`). @default none */
    deduplicationKey?: string;
    /** The queue's duplicate detection (spec `deduplication`); `content` ids messages by contentMessageId. @default none */
    deduplication?: "content" | "messageId";
    /** Largest message the entity takes, bytes (spec `maxMessageKb` x 1024): larger bodies are claim-checked. @default 262144 */
    maxMessageBytes?: number;
}

/** Where bodies over an entity's limit go, and the largest body it takes (spec largeMessages.maxBodyMb). */
export interface ClaimCheck {
    store: BlobStore;
    /** Largest body stored, bytes; larger ones are refused with 413. */
    maxBytes: number;
}

/** One message ready to send, and the entity it goes to. */
export interface OutgoingMessage {
    /** Physical queue or topic. */
    entity: string;
    message: ServiceBusMessage;
    /** The job id callers poll (`GET /api/jobs/{id}`): the Service Bus message id. */
    id: string;
    /** How routeMessage routed it (level, delay, group key, deduplication id, the sender's correlation id). */
    routing: MessageRouting;
}

/**
 * The message id of content deduplication: the SHA-256 of the JSON body, hex (64 characters,
 * within Service Bus's 128), as SQS content-based deduplication hashes the body. With a group key
 * (session queues) the key comes first, `<key>\n<body>`: SQS FIFO queues here deduplicate per
 * message group (deduplicationScope messageGroup), so the same body in two groups is two messages.
 * Group keys are visible ASCII, so the newline cannot be part of one.
 */
export function contentMessageId(body: string, groupKey?: string): string {
    return createHash("sha256").update(groupKey === undefined ? body : `${groupKey}\n${body}`).digest("hex");
}

/** The routing rules of a target, as routeMessage reads them. */
function routingOptionsOf(target: SendTarget): RoutingOptions {
    return {
        fifo: target.sessions,
        ...(target.levels ? { levels: target.levels.map((l) => l.name), defaultLevel: target.defaultLevel } : {}),
        maxDelaySeconds: target.maxDelaySeconds ?? 0,
        ...(target.groupKey ? { groupKey: target.groupKey } : {}),
        ...(target.deduplicationKey ? { deduplicationKey: target.deduplicationKey } : {}),
    };
}

/** The physical entity of a routed message: its level's queue, or the target's own entity. */
function entityOf(target: SendTarget, routing: MessageRouting): string {
    if (routing.level === undefined) return target.entity;
    const level = target.levels?.find((l) => l.name === routing.level);
    if (!level) throw new Error(`front end: level "${routing.level}" of "${target.name}" has no entity in QUEUESTACK_QUEUES`);
    return level.entity;
}

/**
 * The Service Bus messages for a request's items. Every item is routed first (level, delay, group
 * key, deduplication id, correlation id; see routeMessage), so a rejected item stores and sends
 * nothing. Then each becomes a JSON message: the deduplication id (else, on a queue with content
 * deduplication, contentMessageId of the body as sent, before any claim check; else a new UUID) is
 * its message id, which duplicate detection keys on; the group key its session id; a delay its
 * `scheduledEnqueueTimeUtc` (Service Bus holds it until then, any time ahead); attributes
 * `queuestack-enqueued-at` (when it becomes visible, the promotion clock) and
 * `queuestack-correlation-id`. A body over the entity's limit (less the envelope headroom) is
 * stored in the claim-check store under `<target>/<uuid>` and the message carries the reference;
 * without a claim check, or over its `maxBytes`, it is refused with 413.
 */
export async function messagesFor(target: SendTarget, request: RequestParts, items: object[], claimCheck: ClaimCheck | undefined, now = Date.now()): Promise<OutgoingMessage[]> {
    const options = routingOptionsOf(target);
    const routed = items.map((item, index) => routeMessage(target.name, options, request, item, index));
    const bodies = items.map((item) => JSON.stringify(item));
    const tooLarge = claimCheck && bodies.findIndex((body) => Buffer.byteLength(body) > claimCheck.maxBytes);
    if (claimCheck && tooLarge !== undefined && tooLarge >= 0) {
        throw new IntakeError(413, `Message ${tooLarge} is ${Buffer.byteLength(bodies[tooLarge])} bytes; large messages may be at most ${claimCheck.maxBytes} bytes (spec largeMessages.maxBodyMb). Send a smaller message, or raise largeMessages.maxBodyMb.`);
    }
    // The entity's limit is whole KiB (spec maxMessageKb x 1024), so the division is exact.
    const limitBytes = claimCheckLimitBytes((target.maxMessageBytes ?? standardMaxMessageBytes) / 1024);
    return Promise.all(items.map(async (_item, index): Promise<OutgoingMessage> => {
        const routing = routed[index];
        const groupKey = target.sessions ? routing.groupKey : undefined;
        const id = routing.deduplicationId ?? (target.deduplication === "content" ? contentMessageId(bodies[index], groupKey) : randomUUID());
        const correlationId = routing.correlationId ?? id;
        const visibleAt = new Date(now + routing.delaySeconds * 1000);
        const message: ServiceBusMessage = {
            body: await checkIn(bodies[index], limitBytes, claimCheck?.store, `${target.name}/${randomUUID()}`),
            contentType: "application/json",
            messageId: id,
            correlationId,
            applicationProperties: { [enqueuedAtAttribute]: visibleAt.toISOString(), [correlationAttribute]: correlationId },
            ...(groupKey !== undefined ? { sessionId: groupKey } : {}),
            ...(routing.delaySeconds > 0 ? { scheduledEnqueueTimeUtc: visibleAt } : {}),
        };
        return { entity: entityOf(target, routing), message, id, routing };
    }));
}
