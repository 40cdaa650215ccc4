import * as pubsub from "@pulumi/gcp/pubsub";
import * as pulumi from "@pulumi/pulumi";
import { type QueueLevel, type QueueSpec, type QueueSpecInput, cloudLimits, secondsPerDay, validateQueueSpec, visibilityMultiplier } from "../spec";
import { type GcpPlacement, gcpPlacement, childOptions } from "./context";
import { type ServiceAgent, agentMember } from "./service-agents";
import { gcpNames } from "./names";
import { type PushDelivery, duration, neverExpire, queueSubscriptionArgs } from "./subscription";

export { type PushDelivery, defaultRetryBackoff } from "./subscription";

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
    /** The Pub/Sub service agent (see serviceAgent). @default provisioned by this component with a ServiceIdentity */
    pubsubAgent?: ServiceAgent;
    /**
     * The priority level this queue carries (see queueLevels): its resources are named from
     * `level.name` (`<queue>-<level>`). @default the spec queue itself
     */
    level?: QueueLevel;
}

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
        const logical = args.level?.name ?? spec.name;
        const serviceAgent = agentMember(args.pubsubAgent, `${name}-pubsub-agent`, "pubsub", parent);

        this.deadLetterTopic = new pubsub.Topic(`${name}-dlq-topic`, { name: physical(gcpNames.pubsubTopic, logical, "dlq"), labels }, parent);
        this.deadLetterSubscription = new pubsub.Subscription(
            `${name}-dlq-subscription`,
            {
                name: physical(gcpNames.pubsubSubscription, logical, "dlq"),
                topic: this.deadLetterTopic.id,
                messageRetentionDuration: duration(spec.deadLetter.retentionDays * secondsPerDay),
                expirationPolicy: neverExpire,
                labels,
            },
            parent,
        );

        this.topic = new pubsub.Topic(`${name}-topic`, { name: physical(gcpNames.pubsubTopic, logical), labels }, parent);
        this.subscription = new pubsub.Subscription(
            `${name}-subscription`,
            queueSubscriptionArgs({
                spec,
                name: physical(gcpNames.pubsubSubscription, logical),
                topicId: this.topic.id,
                deadLetterTopicId: this.deadLetterTopic.id,
                ackDeadlineSeconds: args.ackDeadlineSeconds ?? ackDeadlineOf(spec),
                push: args.push,
                retryBackoff: args.retryBackoff,
                labels,
            }),
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
