import * as pubsub from "@pulumi/gcp/pubsub";
import * as pulumi from "@pulumi/pulumi";
import type { QueueLevel, QueueSpec, TopicSpec } from "../spec";
import { type GcpPlacement, childOptions, gcpPlacement } from "./context";
import { type ServiceAgent, agentMember } from "./service-agents";
import { gcpNames } from "./names";
import { type PushDelivery, queueSubscriptionArgs } from "./subscription";

/** A queue that receives every event of a fan-out topic, at one of its levels. */
export interface FanOutSubscriber {
    /** The subscriber queue's validated spec (retention, attempts, ordering, deduplication). */
    queue: QueueSpec;
    /** The level that receives the copies (the queue's default level). */
    level: QueueLevel;
    /** `projects/<p>/topics/<t>`: the level's dead-letter topic, where failed copies go. */
    deadLetterTopicId: pulumi.Input<string>;
    /** The level subscription's ack deadline, seconds. */
    ackDeadlineSeconds: number;
    /** Push to the level's function, as the level's own subscription does. @default pull (VM workers read it) */
    push?: PushDelivery;
}

export interface FanOutTopicArgs extends GcpPlacement {
    /** The topic's spec: its name and subscriber queues. */
    topic: TopicSpec;
    /** One entry per subscriber queue, in `topic.subscribers` order. */
    subscribers: FanOutSubscriber[];
    /** The Pub/Sub service agent (see serviceAgent). @default provisioned by this component with a ServiceIdentity */
    pubsubAgent?: ServiceAgent;
}

/** A subscription feeding one subscriber queue's workers. */
export interface FanOutSubscription {
    subscriptionId: pulumi.Output<string>;
    subscriptionName: pulumi.Output<string>;
}

/**
 * Fan-out on Google Cloud: a Pub/Sub topic with one subscription per subscriber queue. Pub/Sub
 * cannot forward a topic into another topic, so each subscription is consumed directly by the
 * queue's workers, exactly like the queue's own subscription: pushed to the level's function, or
 * pulled by the queue's VM pollers (as an extra source of the default level). Each has the queue's
 * ack deadline, retention, ordering and attempts, dead-letters to the queue's dead-letter topic,
 * and lets the Pub/Sub service agent subscribe (the publisher grant on that topic comes with the
 * queue).
 */
export class FanOutTopic extends pulumi.ComponentResource {
    readonly topic: pubsub.Topic;
    /** `projects/<p>/topics/<t>`: where the front end publishes. */
    readonly topicId: pulumi.Output<string>;
    readonly topicName: pulumi.Output<string>;
    /** Subscriptions by subscriber queue name. */
    readonly subscriptions: Record<string, FanOutSubscription>;

    constructor(name: string, args: FanOutTopicArgs, opts?: pulumi.ComponentResourceOptions) {
        super("queuestack:gcp:FanOutTopic", name, {}, opts);
        const parent = childOptions(this, opts);
        const { name: physical, labels } = gcpPlacement(args, "fan-out");
        const serviceAgent = agentMember(args.pubsubAgent, `${name}-pubsub-agent`, "pubsub", parent);

        this.topic = new pubsub.Topic(`${name}-topic`, { name: physical(gcpNames.pubsubTopic, "fanout", args.topic.name), labels }, parent);
        this.subscriptions = Object.fromEntries(
            args.subscribers.map((s) => {
                const subscription = new pubsub.Subscription(
                    `${name}-${s.queue.name}`,
                    queueSubscriptionArgs({
                        spec: s.queue,
                        name: physical(gcpNames.pubsubSubscription, "fanout", args.topic.name, s.level.name),
                        topicId: this.topic.id,
                        deadLetterTopicId: s.deadLetterTopicId,
                        ackDeadlineSeconds: s.ackDeadlineSeconds,
                        push: s.push,
                        labels,
                    }),
                    parent,
                );
                new pubsub.SubscriptionIAMMember(
                    `${name}-${s.queue.name}-dlq-subscriber`,
                    { subscription: subscription.name, role: "roles/pubsub.subscriber", member: serviceAgent },
                    parent,
                );
                return [s.queue.name, { subscriptionId: subscription.id, subscriptionName: subscription.name }];
            }),
        );
        this.topicId = this.topic.id;
        this.topicName = this.topic.name;
        this.registerOutputs({ topicId: this.topicId, subscriptions: this.subscriptions });
    }
}
