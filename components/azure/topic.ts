import * as servicebus from "@pulumi/azure-native/servicebus";
import * as pulumi from "@pulumi/pulumi";
import { physicalName } from "../naming";
import type { TopicSpec } from "../spec";
import { type AzurePlacement, placement } from "./context";
import { isoDuration } from "./duration";
import { azureNames } from "./names";

/** A queue that receives a copy of every event published to the topic. */
export interface TopicSubscriber {
    /** The spec's queue name: names the subscription. */
    name: string;
    /** Physical Service Bus queue the subscription forwards to (the queue's default priority level). */
    queueName: pulumi.Input<string>;
    /** Deliveries before the subscription dead-letters an event it cannot forward (spec `queues[].maxReceiveCount`). */
    maxDeliveryCount: number;
    /** Days an event may wait in the subscription before it is dead-lettered (spec `queues[].retentionDays`). */
    retentionDays: number;
}

export interface TopicArgs extends AzurePlacement {
    /** The topic's spec (`topics[]`): its name and subscriber queues. */
    topic: TopicSpec;
    /** Name of the Service Bus namespace (Standard tier or above: Basic has no topics). */
    namespaceName: pulumi.Input<string>;
    /** The subscriber queues, in the spec's order. */
    subscribers: TopicSubscriber[];
    /** Keep the publish order (the subscribers are FIFO session queues). @default false */
    ordered?: boolean;
}

/**
 * Fan-out: a Service Bus topic with one subscription per subscriber queue that auto-forwards every
 * event to the queue. Each subscription dead-letters on its own (its `$deadletterqueue`): after
 * `maxDeliveryCount` failed forwards, when an event expires, and when a filter cannot be evaluated.
 */
export class Topic extends pulumi.ComponentResource {
    readonly topic: servicebus.Topic;
    /** Resource id of the topic: the scope of the front end's send role. */
    readonly topicId: pulumi.Output<string>;
    readonly topicName: pulumi.Output<string>;
    /** Subscriptions by subscriber queue name. */
    readonly subscriptions: Record<string, servicebus.Subscription>;

    constructor(name: string, args: TopicArgs, opts?: pulumi.ComponentResourceOptions) {
        if (args.subscribers.length === 0) throw new Error(`topic "${name}": needs at least one subscriber`);
        super("queuestack:azure:Topic", name, {}, opts);
        const at = placement(args, "queue");
        const parent = { parent: this };
        this.topic = new servicebus.Topic(`${name}-topic`, {
            topicName: at.name(azureNames.serviceBusTopic, args.topic.name),
            namespaceName: args.namespaceName,
            resourceGroupName: at.resourceGroupName,
            defaultMessageTimeToLive: isoDuration(Math.max(...args.subscribers.map((s) => s.retentionDays)) * 86_400),
            supportOrdering: args.ordered ?? false,
            enableBatchedOperations: true,
        }, parent);
        this.subscriptions = Object.fromEntries(args.subscribers.map((subscriber) => [subscriber.name, new servicebus.Subscription(`${name}-to-${subscriber.name}`, {
            // Unique within its topic, so the queue's name alone, without the stack prefix.
            subscriptionName: physicalName(azureNames.serviceBusSubscription, [subscriber.name]),
            topicName: this.topic.name,
            namespaceName: args.namespaceName,
            resourceGroupName: at.resourceGroupName,
            forwardTo: subscriber.queueName,
            maxDeliveryCount: subscriber.maxDeliveryCount,
            defaultMessageTimeToLive: isoDuration(subscriber.retentionDays * 86_400),
            deadLetteringOnMessageExpiration: true,
            deadLetteringOnFilterEvaluationExceptions: true,
            requiresSession: false,
            enableBatchedOperations: true,
        }, parent)]));
        this.topicId = this.topic.id;
        this.topicName = this.topic.name;
        this.registerOutputs({ topicId: this.topicId, topicName: this.topicName });
    }
}
