import * as pubsub from "@pulumi/gcp/pubsub";
import * as pulumi from "@pulumi/pulumi";
import { type QueueSpec, type QueueSpecInput, cloudLimits, deduplicationOf, secondsPerDay, validateQueueSpec, visibilityMultiplier } from "../spec";
import { type GcpPlacement, gcpPlacement, projectNumber, pubsubServiceAgent, childOptions } from "./context";
import { gcpNames } from "./names";

/** Push delivery to an HTTPS endpoint, authenticated with an OIDC token. */
export interface PushDelivery {
    /** HTTPS URL Pub/Sub posts each message to (a function's URL). */
    endpoint: pulumi.Input<string>;
    /** Service account whose OIDC token Pub/Sub attaches; the endpoint lets only it invoke. */
    serviceAccountEmail: pulumi.Input<string>;
    /** OIDC audience. @default the endpoint URL */
    audience?: pulumi.Input<string>;
}

export interface QueueArgs extends GcpPlacement {
    /** The queue's spec (validated for gcp; defaults applied). */
    queue: QueueSpecInput | QueueSpec;
    /**
     * Ack deadline in seconds (10-600; for push delivery also the request timeout).
     * @default the spec's visibilityTimeoutSeconds, else 6 x processingTimeSeconds within 10-600 (the
     * whole-stack component passes the value derived from the consuming workers' timeouts)
     */
    ackDeadlineSeconds?: number;
    /** Deliver by push (function workers). @default pull (VM workers and any other client) */
    push?: PushDelivery;
    /** Retry backoff between redeliveries, seconds (0-600). @default { minimumSeconds: 10, maximumSeconds: 600 } */
    retryBackoff?: { minimumSeconds: number; maximumSeconds: number };
    /** Project number, for the Pub/Sub service agent. @default looked up from the provider's project */
    projectNumber?: pulumi.Input<string>;
}

/** Pub/Sub's own default backoff range, stated explicitly. */
export const defaultRetryBackoff = { minimumSeconds: 10, maximumSeconds: 600 };
/** Empty TTL: the subscription never expires (the default deletes idle ones after 31 days). */
const neverExpire = { ttl: "" };
const duration = (seconds: number) => `${seconds}s`;

/** The ack deadline a standalone queue derives from its own processing time. */
export function ackDeadlineOf(queue: QueueSpec): number {
    const { min, max } = cloudLimits.gcp.visibilityTimeoutSeconds;
    return queue.visibilityTimeoutSeconds ?? Math.min(max, Math.max(min, visibilityMultiplier * queue.processingTimeSeconds));
}

/**
 * A Pub/Sub queue: a topic and its subscription (ack deadline, retention, retry backoff, ordering
 * keys for `fifo`, exactly-once delivery for deduplicated pull queues), a dead-letter topic with
 * its own subscription that keeps messages longer, `maxDeliveryAttempts`, and the two grants the
 * Pub/Sub service agent needs to dead-letter: publisher on the dead-letter topic and subscriber on
 * the source subscription. Without them (or without the dead-letter subscription) failed messages
 * are silently lost.
 */
export class Queue extends pulumi.ComponentResource {
    readonly spec: QueueSpec;
    readonly topic: pubsub.Topic;
    readonly subscription: pubsub.Subscription;
    readonly deadLetterTopic: pubsub.Topic;
    readonly deadLetterSubscription: pubsub.Subscription;
    /** `projects/<project>/topics/<name>`: where producers publish. */
    readonly topicId: pulumi.Output<string>;
    /** `projects/<project>/subscriptions/<name>`: where consumers pull from. */
    readonly subscriptionId: pulumi.Output<string>;
    /** Subscription name (the `subscription_id` label of Pub/Sub metrics). */
    readonly subscriptionName: pulumi.Output<string>;
    readonly deadLetterSubscriptionId: pulumi.Output<string>;
    readonly deadLetterSubscriptionName: pulumi.Output<string>;

    constructor(name: string, args: QueueArgs, opts?: pulumi.ComponentResourceOptions) {
        const spec = validateQueueSpec(args.queue, "gcp", `queue "${name}"`);
        super("queuestack:gcp:Queue", name, {}, opts);
        const parent = childOptions(this, opts);
        this.spec = spec;
        const { name: physical, labels } = gcpPlacement(args, "queue");
        const backoff = args.retryBackoff ?? defaultRetryBackoff;
        const serviceAgent = pubsubServiceAgent(args.projectNumber ?? projectNumber(this));

        this.deadLetterTopic = new pubsub.Topic(`${name}-dlq-topic`, { name: physical(gcpNames.pubsubTopic, spec.name, "dlq"), labels }, parent);
        this.deadLetterSubscription = new pubsub.Subscription(
            `${name}-dlq-subscription`,
            {
                name: physical(gcpNames.pubsubSubscription, spec.name, "dlq"),
                topic: this.deadLetterTopic.id,
                messageRetentionDuration: duration(spec.deadLetter.retentionDays * secondsPerDay),
                expirationPolicy: neverExpire,
                labels,
            },
            parent,
        );

        this.topic = new pubsub.Topic(`${name}-topic`, { name: physical(gcpNames.pubsubTopic, spec.name), labels }, parent);
        this.subscription = new pubsub.Subscription(
            `${name}-subscription`,
            {
                name: physical(gcpNames.pubsubSubscription, spec.name),
                topic: this.topic.id,
                ackDeadlineSeconds: args.ackDeadlineSeconds ?? ackDeadlineOf(spec),
                messageRetentionDuration: duration(spec.retentionDays * secondsPerDay),
                retryPolicy: { minimumBackoff: duration(backoff.minimumSeconds), maximumBackoff: duration(backoff.maximumSeconds) },
                deadLetterPolicy: { deadLetterTopic: this.deadLetterTopic.id, maxDeliveryAttempts: spec.maxReceiveCount },
                enableMessageOrdering: spec.ordering === "fifo",
                // Pub/Sub offers exactly-once delivery on pull subscriptions only.
                enableExactlyOnceDelivery: deduplicationOf(spec) !== undefined && args.push === undefined,
                expirationPolicy: neverExpire,
                pushConfig: args.push && {
                    pushEndpoint: args.push.endpoint,
                    oidcToken: { serviceAccountEmail: args.push.serviceAccountEmail, audience: args.push.audience ?? args.push.endpoint },
                },
                labels,
            },
            parent,
        );

        new pubsub.TopicIAMMember(
            `${name}-dlq-publisher`,
            { topic: this.deadLetterTopic.name, role: "roles/pubsub.publisher", member: serviceAgent },
            parent,
        );
        new pubsub.SubscriptionIAMMember(
            `${name}-dlq-subscriber`,
            { subscription: this.subscription.name, role: "roles/pubsub.subscriber", member: serviceAgent },
            parent,
        );

        this.topicId = this.topic.id;
        this.subscriptionId = this.subscription.id;
        this.subscriptionName = this.subscription.name;
        this.deadLetterSubscriptionId = this.deadLetterSubscription.id;
        this.deadLetterSubscriptionName = this.deadLetterSubscription.name;
        this.registerOutputs({
            topicId: this.topicId,
            subscriptionId: this.subscriptionId,
            subscriptionName: this.subscriptionName,
            deadLetterSubscriptionId: this.deadLetterSubscriptionId,
            deadLetterSubscriptionName: this.deadLetterSubscriptionName,
        });
    }
}
