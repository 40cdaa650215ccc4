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
 * Pulls up to `maxMessages` from `subscription`. The server holds the request open for a while when
 * there are none (long polling); `returnImmediately` answers at once, for one-off checks.
 */
export async function pull(api: GoogleApiCall, subscription: string, maxMessages: number, { returnImmediately = false } = {}): Promise<ReceivedMessage[]> {
    const { receivedMessages = [] } = await api<{ receivedMessages?: ReceivedMessage[] }>("POST", `${subscription}:pull`, { maxMessages, ...(returnImmediately ? { returnImmediately } : {}) });
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
