import type { Env } from "../runtime";
import { type GoogleApiCall, googleApi } from "./google-api";
import type { PubsubMessage } from "./pubsub-message";

/** A Pub/Sub REST client: the emulator when PUBSUB_EMULATOR_HOST is set. */
export function pubsubApi(env: Env): GoogleApiCall {
    return googleApi({ baseUrl: "https://pubsub.googleapis.com", emulatorHost: env.PUBSUB_EMULATOR_HOST });
}

/** A message to publish. */
export interface Publication {
    /** The body (JSON text, or a claim-check reference). */
    body: string;
    /** String attributes (job id, enqueue time, correlation id...). @default none */
    attributes?: Record<string, string>;
    /** Ordering key, on ordered queues. @default none */
    orderingKey?: string;
}

/** A publication as the Pub/Sub REST API takes it (`PubsubMessage`). */
export function wireMessage(p: Publication) {
    return {
        data: Buffer.from(p.body, "utf8").toString("base64"),
        ...(p.attributes && Object.keys(p.attributes).length ? { attributes: p.attributes } : {}),
        ...(p.orderingKey ? { orderingKey: p.orderingKey } : {}),
    };
}

/** Pub/Sub accepts up to 1,000 messages per publish request. */
const publishBatch = 1000;

/** Publishes to `topic` (`projects/<p>/topics/<t>`) and returns the message ids, in order. */
export async function publish(api: GoogleApiCall, topic: string, publications: Publication[]): Promise<string[]> {
    const ids: string[] = [];
    for (let start = 0; start < publications.length; start += publishBatch) {
        const messages = publications.slice(start, start + publishBatch).map(wireMessage);
        const { messageIds } = await api<{ messageIds: string[] }>("POST", `${topic}:publish`, { messages });
        ids.push(...messageIds);
    }
    return ids;
}

/** One pulled delivery. */
export interface ReceivedMessage {
    ackId: string;
    message: PubsubMessage;
    deliveryAttempt?: number;
}

/**
 * Pulls up to `maxMessages` from `subscription`. The server holds the request open until messages
 * arrive or its own timeout passes (long polling; about 90 s on the emulator), then answers, empty
 * after the timeout. `returnImmediately` answers at once: Google deprecates it and warns it
 * "adversely impacts the performance" of pulls
 * (https://cloud.google.com/pubsub/docs/reference/rest/v1/projects.subscriptions/pull), so it is for
 * one-off checks only. `signal` abandons the request; the server may still hand messages to the
 * abandoned pull (the emulator does), and they come back only after their ack deadline.
 */
export async function pull(api: GoogleApiCall, subscription: string, maxMessages: number, { returnImmediately = false, signal }: { returnImmediately?: boolean; signal?: AbortSignal } = {}): Promise<ReceivedMessage[]> {
    const body = { maxMessages, ...(returnImmediately ? { returnImmediately } : {}) };
    const { receivedMessages = [] } = await api<{ receivedMessages?: ReceivedMessage[] }>("POST", `${subscription}:pull`, body, signal ? { signal } : undefined);
    return receivedMessages;
}

/** Acknowledges deliveries (done with them). */
export function acknowledge(api: GoogleApiCall, subscription: string, ackIds: string[]): Promise<unknown> {
    return api("POST", `${subscription}:acknowledge`, { ackIds });
}

/** Sets deliveries' ack deadline: extends work in progress, or 0 to hand them back (nack). */
export function modifyAckDeadline(api: GoogleApiCall, subscription: string, ackIds: string[], ackDeadlineSeconds: number): Promise<unknown> {
    return api("POST", `${subscription}:modifyAckDeadline`, { ackIds, ackDeadlineSeconds });
}
