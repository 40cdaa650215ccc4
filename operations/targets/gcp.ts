import { PubSub, v1, type protos } from "@google-cloud/pubsub";
import { OperationError } from "../errors";
import type { DeadLetterReader, MessageContent, OpsTarget, QueueStatus, TakenMessage } from "./types";

/** A queue's subscription and its dead-letter subscription (stack outputs `queues[name].id` / `.deadLetterId`). */
export interface PubSubQueuePair {
    subscription: string;
    deadLetterSubscription: string;
}

/** How the GCP target reaches Pub/Sub. */
export interface GcpTargetOptions {
    project: string;
    /** Per spec queue name; short names are completed with `project`. */
    queues: Record<string, PubSubQueuePair>;
    /** A Pub/Sub endpoint, e.g. the emulator's host:port. @default PUBSUB_EMULATOR_HOST, else Google's */
    endpoint?: string;
}

/** Attributes Pub/Sub adds when it dead-letters a message: shown, never republished. */
const deadLetterAttribute = /^CloudPubSubDeadLetter/;
/** How long a pull may wait before an empty subscription counts as drained. */
const emptyWaitMs = 2000;
/** The gRPC status of a pull that found nothing before its deadline. */
const deadlineExceeded = 4;
/** How long pulled dead letters stay leased while a command works on them (the Pub/Sub maximum). */
const holdSeconds = 600;

/**
 * The GCP target. Redrive pulls from the dead-letter subscription, republishes each message to the
 * topic of the source subscription with its data, attributes and ordering key (in pull order, one
 * publish call per batch, which keeps each key's order), then acknowledges it.
 */
export class GcpTarget implements OpsTarget {
    readonly cloud = "gcp" as const;
    private readonly pubsub: PubSub;
    private clients?: Promise<{ subscriber: v1.SubscriberClient; publisher: v1.PublisherClient }>;
    private readonly topics = new Map<string, Promise<string>>();

    constructor(private readonly options: GcpTargetOptions) {
        this.pubsub = new PubSub({ projectId: options.project, ...(options.endpoint ? { apiEndpoint: options.endpoint, emulatorMode: true } : {}) });
    }

    async status(queue: string): Promise<QueueStatus> {
        throw new OperationError(
            `status on gcp needs Cloud Monitoring (subscription/num_undelivered_messages, oldest_unacked_message_age, dead_letter_message_count for ${this.name(this.pair(queue).subscription)}), which Pub/Sub's own API does not report; read them on the stack's dashboard.`,
        );
    }

    deadLetters(queue: string): DeadLetterReader {
        const subscription = this.name(this.pair(queue).deadLetterSubscription);
        return {
            take: async (max) => {
                const { subscriber } = await this.connect();
                const received = await this.pull(subscriber, subscription, max);
                if (received.length > 0) {
                    await this.call(`lease messages on ${subscription}`, () =>
                        subscriber.modifyAckDeadline({ subscription, ackIds: received.map((r) => r.ackId!), ackDeadlineSeconds: holdSeconds }),
                    );
                }
                return received.map((r) => toTaken(r));
            },
            remove: async (messages) => {
                const { subscriber } = await this.connect();
                if (messages.length > 0) await this.call(`acknowledge on ${subscription}`, () => subscriber.acknowledge({ subscription, ackIds: messages.map((m) => m.handle as string) }));
            },
            release: async (messages) => {
                const { subscriber } = await this.connect();
                for (let i = 0; i < messages.length; i += 1000) {
                    const ackIds = messages.slice(i, i + 1000).map((m) => m.handle as string);
                    await this.call(`release on ${subscription}`, () => subscriber.modifyAckDeadline({ subscription, ackIds, ackDeadlineSeconds: 0 }));
                }
            },
        };
    }

    async send(queue: string, messages: MessageContent[]): Promise<string[]> {
        if (messages.length === 0) return [];
        const { publisher } = await this.connect();
        const topic = await this.topicOf(queue);
        const [response] = await this.call(`publish to ${topic}`, () =>
            publisher.publish({
                topic,
                messages: messages.map((m) => ({ data: Buffer.from(m.body), attributes: m.attributes, ...(m.groupKey !== undefined ? { orderingKey: m.groupKey } : {}) })),
            }),
        );
        return response.messageIds ?? [];
    }

    async purgeDeadLetters(queue: string): Promise<number> {
        const reader = this.deadLetters(queue);
        let purged = 0;
        for (;;) {
            const batch = await reader.take(1000);
            if (batch.length === 0) return purged;
            await reader.remove(batch);
            purged += batch.length;
        }
    }

    async close(): Promise<void> {
        if (this.clients) {
            const { subscriber, publisher } = await this.clients;
            await Promise.all([subscriber.close(), publisher.close()]);
        }
        await this.pubsub.close();
    }

    private connect() {
        this.clients ??= this.pubsub.getClientConfig().then((config) => {
            // getClientConfig fills in the project and emulator address for the generated v1 clients.
            const options = config as ConstructorParameters<typeof v1.SubscriberClient>[0];
            return { subscriber: new v1.SubscriberClient(options), publisher: new v1.PublisherClient(options) };
        });
        return this.clients;
    }

    /** The topic the source subscription reads: where redriven messages are published. */
    private topicOf(queue: string): Promise<string> {
        let topic = this.topics.get(queue);
        if (!topic) {
            const subscription = this.name(this.pair(queue).subscription);
            topic = this.connect().then(async ({ subscriber }) => {
                const [metadata] = await this.call(`read ${subscription}`, () => subscriber.getSubscription({ subscription }));
                if (!metadata.topic) throw new OperationError(`${subscription} has no topic`);
                return metadata.topic;
            });
            this.topics.set(queue, topic);
        }
        return topic;
    }

    /**
     * One pull. An immediate pull may come back empty while messages wait (Pub/Sub's own caveat),
     * so an empty answer is confirmed by a waiting pull of up to `emptyWaitMs` before the
     * subscription counts as drained.
     */
    private async pull(subscriber: v1.SubscriberClient, subscription: string, max: number) {
        const [first] = await this.call(`pull from ${subscription}`, () => subscriber.pull({ subscription, maxMessages: max, returnImmediately: true }));
        if (first.receivedMessages?.length) return first.receivedMessages;
        try {
            const [second] = await subscriber.pull({ subscription, maxMessages: max }, { timeout: emptyWaitMs, retry: null });
            return second.receivedMessages ?? [];
        } catch (error) {
            if ((error as { code?: number }).code === deadlineExceeded) return [];
            throw new OperationError(`could not pull from ${subscription}: ${(error as Error).message}`);
        }
    }

    private pair(queue: string): PubSubQueuePair {
        const pair = this.options.queues[queue];
        if (!pair) throw new Error(`no subscriptions for queue ${queue}`);
        return pair;
    }

    private name(subscription: string): string {
        return subscription.includes("/") ? subscription : `projects/${this.options.project}/subscriptions/${subscription}`;
    }

    private async call<T>(what: string, run: () => Promise<T>): Promise<T> {
        try {
            return await run();
        } catch (error) {
            if (error instanceof OperationError) throw error;
            throw new OperationError(`could not ${what}: ${(error as Error).message}`);
        }
    }
}

function toTaken(received: protos.google.pubsub.v1.IReceivedMessage): TakenMessage {
    const message = received.message ?? {};
    const all = message.attributes ?? {};
    const attributes = Object.fromEntries(Object.entries(all).filter(([name]) => !deadLetterAttribute.test(name)));
    const deliveries = all.CloudPubSubDeadLetterSourceDeliveryCount;
    const source = all.CloudPubSubDeadLetterSourceSubscription;
    const seconds = message.publishTime?.seconds;
    return {
        id: message.messageId ?? "",
        body: typeof message.data === "string" ? Buffer.from(message.data, "base64").toString() : Buffer.from(message.data ?? []).toString(),
        attributes,
        ...(message.orderingKey ? { groupKey: message.orderingKey } : {}),
        ...(deliveries ? { attempts: Number(deliveries) } : {}),
        ...(source ? { reason: `not acknowledged after ${deliveries ?? "max"} deliveries on ${source}` } : {}),
        ...(seconds !== undefined && seconds !== null ? { sentAt: new Date(Number(seconds) * 1000) } : {}),
        handle: received.ackId!,
    };
}
