import { randomUUID } from "node:crypto";
import { queueLevels, type QueueSpec, type Spec } from "../../components/spec";
import {
    acceptedRecords,
    acceptedReply,
    checkIn,
    claimCheckLimitBytes,
    correlationAttribute,
    enqueuedAtAttribute,
    IntakeError,
    jobStatus,
    requestedWaitSeconds,
    routeMessage,
    type BlobStore,
    type Logger,
    type MessageRouting,
    type RequestParts,
    type RoutingOptions,
} from "../../workers/runtime";
import { parseIntakeBody, unknownQueueError } from "../../workers/runtime/intake";
import { unknownTopicError } from "../../workers/runtime/unknown-topic";
import type { LocalJobStore } from "../datastore";
import { timeOrderedId, type QueueEngine } from "../engine/queue-engine";
import { LocalQueueError, type SendOptions } from "../engine/types";
import type { SeenWork } from "./seen-work";
import { localDestinations, publishCopies } from "../tracing/local-spans";

/** An HTTP answer: status and JSON body. */
export interface IntakeAnswer {
    statusCode: number;
    body: unknown;
}

/** What the local intake runs with. */
export interface LocalIntakeOptions {
    spec: Spec;
    engine: QueueEngine;
    /** Job records: `GET /jobs/{id}` and request-response waits read them; a message's "queued" record is written in its send's commit. */
    jobs: LocalJobStore;
    /** Where claim-checked bodies go; undefined when spec largeMessages is off (bodies over the queue's limit get 413). */
    blobStore?: BlobStore;
    logger: Logger;
    /** The message that already did an item's work (its idempotency key is completed): the 202 says so. @default none known */
    seenWork?: SeenWork;
}

type Copy = SendOptions & { queue: string; body: string };

/** The routing settings of a spec queue for the runtime's routeMessage. */
function routingOf(queue: QueueSpec): RoutingOptions {
    return {
        fifo: queue.ordering === "fifo",
        ...(queue.priorities
            ? { levels: queue.priorities.levels.map((l) => l.name), ...(queue.priorities.defaultLevel ? { defaultLevel: queue.priorities.defaultLevel } : {}) }
            : {}),
        maxDelaySeconds: queue.maxDelaySeconds,
        ...(queue.groupKey ? { groupKey: queue.groupKey } : {}),
        ...(queue.deduplicationKey ? { deduplicationKey: queue.deduplicationKey } : {}),
    };
}

/** The engine queue a routed message goes to: the queue, or its level's queue `<queue>-<level>`. */
function engineQueueOf(queue: QueueSpec, routed: MessageRouting): string {
    return queueLevels(queue).find((l) => l.level === routed.level)!.name;
}

/**
 * The local front end's intake, written against the runtime's neutral routing so every pattern
 * means what it means on the clouds: `enqueue` (POST /queues/{queue}/messages: priority level,
 * delay, group key, deduplication id, correlation id, claim check, request-response wait),
 * `publish` (POST /topics/{topic}: one copy per subscriber queue at its default level, all in one
 * transaction) and `status` (GET /jobs/{id}). Every rejection is an IntakeError (4xx) raised before
 * anything is enqueued.
 */
export function createLocalIntake(options: LocalIntakeOptions) {
    const { spec, engine, jobs, blobStore, logger } = options;
    const maxBodyBytes = spec.frontEnd.maxBodyKb * 1024;
    const largeLimitBytes = spec.largeMessages.maxBodyMb * 1024 * 1024;
    const store = spec.largeMessages.enabled ? blobStore : undefined;
    if (spec.largeMessages.enabled && !blobStore) throw new Error("createLocalIntake: largeMessages is enabled but no blob store was given");
    const destinations = localDestinations(spec);

    /** The body to enqueue for `item`: as it is, or a claim-check reference when over `limitBytes`. */
    const bodyOf = async (item: object, limitBytes: number, key: string): Promise<string> => {
        const text = JSON.stringify(item);
        const bytes = Buffer.byteLength(text, "utf8");
        if (store && bytes > largeLimitBytes) {
            throw new IntakeError(413, `The message is ${bytes} bytes; the claim check takes at most ${largeLimitBytes} (spec largeMessages.maxBodyMb). Send a smaller message, or raise largeMessages.maxBodyMb.`);
        }
        return checkIn(text, limitBytes, store, key);
    };

    const attributesOf = (routed: MessageRouting, id: string): Record<string, string> => ({
        [correlationAttribute]: routed.correlationId ?? id,
        [enqueuedAtAttribute]: new Date(Date.now() + routed.delaySeconds * 1000).toISOString(),
    });

    const copyOf = (queue: string, body: string, id: string, routed: MessageRouting): Copy => ({
        queue,
        body,
        id,
        delaySeconds: routed.delaySeconds,
        attributes: attributesOf(routed, id),
        ...(routed.groupKey !== undefined ? { groupKey: routed.groupKey } : {}),
        ...(routed.deduplicationId !== undefined ? { deduplicationId: routed.deduplicationId } : {}),
    });

    /**
     * Stores every copy in one transaction, on disk before it resolves; with `recordAccepted`, each
     * copy's "queued" job record too, in the same commit (one commit per request, not two in a row).
     */
    const enqueueCopies = async (copies: Copy[], recordAccepted = false): Promise<string[]> => {
        const send = () => {
            const sent = engine.sendMany(copies);
            if (recordAccepted) for (const { key, record, ttlSeconds } of acceptedRecords(sent.map((r) => r.id))) jobs.putJobNow(key, record, ttlSeconds);
            return sent;
        };
        try {
            return (await publishCopies(destinations, copies, () => engine.group.run(send))).map((r) => r.id);
        } catch (error) {
            if (error instanceof LocalQueueError) throw new IntakeError(400, error.message);
            throw error;
        }
    };

    const enqueue = async (queueName: string, request: RequestParts, raw: Buffer): Promise<IntakeAnswer> => {
        const queue = spec.queues.find((q) => q.name === queueName);
        if (!queue) throw unknownQueueError(queueName, spec.queues.map((q) => q.name));
        const { items, batch } = parseIntakeBody(raw, maxBodyBytes);
        const waitSeconds = requestedWaitSeconds(request, spec.frontEnd.maxWaitSeconds);
        const routing = routingOf(queue);
        const routed = items.map((item, index) => routeMessage(queue.name, routing, request, item, index));
        const limit = claimCheckLimitBytes(queue.maxMessageKb);
        const copies = await Promise.all(
            items.map(async (item, i) => {
                const target = engineQueueOf(queue, routed[i]!);
                const id = timeOrderedId();
                return copyOf(target, await bodyOf(item, limit, `${target}/${id}`), id, routed[i]!);
            }),
        );
        const ids = await enqueueCopies(copies, true);
        logger.info({ queue: queueName, count: ids.length }, "enqueued");
        const correlationId = routed[0]!.correlationId;
        const duplicateOf = options.seenWork ? items.map((item) => options.seenWork!(queue.name, item)) : [];
        return acceptedReply({ ids, batch, waitSeconds, jobs, recorded: true, duplicateOf, ...(correlationId !== undefined ? { correlationId } : {}) });
    };

    const publish = async (topicName: string, request: RequestParts, raw: Buffer): Promise<IntakeAnswer> => {
        const topic = spec.topics.find((t) => t.name === topicName);
        if (!topic) throw unknownTopicError(topicName, spec.topics.map((t) => t.name));
        const { items, batch } = parseIntakeBody(raw, maxBodyBytes);
        const refused: [string, string | undefined][] = [
            ["priority (x-priority header or priority query parameter)", request.query("priority") ?? request.header("x-priority")],
            ["delay (x-delay-seconds header or delaySeconds query parameter)", request.query("delaySeconds") ?? request.header("x-delay-seconds")],
            ["wait (Prefer: wait=N header or wait query parameter)", requestedWaitSeconds(request, spec.frontEnd.maxWaitSeconds) > 0 ? request.query("wait") ?? request.header("prefer") : undefined],
        ];
        for (const [what, value] of refused) {
            if (value === undefined) continue;
            throw new IntakeError(400, `Topic "${topicName}" delivers each event at once to every subscriber queue's default level, so it takes no ${what} (got ${JSON.stringify(value)}). Send the event without it, or send to POST /queues/{queue}/messages to choose a level, a delay or a wait.`);
        }
        const subscribers = topic.subscribers.map((name) => spec.queues.find((q) => q.name === name)!);
        const limit = Math.min(...subscribers.map((q) => claimCheckLimitBytes(q.maxMessageKb)));
        // Every item is routed for every subscriber before any body is stored.
        const routings = subscribers.map(routingOf);
        const routed = items.map((item, index) => subscribers.map((queue, q) => routeMessage(queue.name, routings[q]!, request, item, index)));
        const copies: Copy[] = [];
        for (const [index, item] of items.entries()) {
            // One stored body per event, its reference in every copy.
            const body = await bodyOf(item, limit, `topics/${topic.name}/${randomUUID()}`);
            subscribers.forEach((queue, q) => copies.push(copyOf(engineQueueOf(queue, routed[index]![q]!), body, timeOrderedId(), routed[index]![q]!)));
        }
        const ids = await enqueueCopies(copies);
        logger.info({ topic: topicName, events: items.length, copies: ids.length }, "published");
        const perQueue = Object.fromEntries(subscribers.map((queue, q) => {
            const queueIds = items.map((_, i) => ids[i * subscribers.length + q]!);
            return [queue.name, batch ? queueIds : queueIds[0]];
        }));
        const correlationId = routed[0]![0]!.correlationId;
        return { statusCode: 202, body: { messageIds: perQueue, ...(correlationId !== undefined ? { correlationId } : {}) } };
    };

    const status = async (id: string): Promise<IntakeAnswer> => ({ statusCode: 200, body: await jobStatus(jobs, id) });

    return { enqueue, publish, status };
}
