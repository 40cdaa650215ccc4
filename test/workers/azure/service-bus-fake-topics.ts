import type { ServiceBusMessage } from "@azure/service-bus";
import type { ServiceBusFake } from "./service-bus-fake";

/** A subscription of a fake topic. */
export interface FakeSubscriptionOptions {
    /** Subscription name. */
    name: string;
    /** The queue every event is auto-forwarded to. */
    forwardTo: string;
}

/** An event the subscription could not forward, kept in its own `$deadletterqueue`. */
export interface FakeSubscriptionDeadLetter {
    message: ServiceBusMessage;
    deadLetterReason: string;
    deadLetterErrorDescription: string;
}

/**
 * A topic of the ServiceBus fake: publishing copies each event to every subscription, and each
 * subscription auto-forwards its copy to its queue (the queue's own rules apply: sessions,
 * duplicate detection is not modelled). A copy the queue refuses stays in that subscription's
 * dead-letter sub-queue with the refusal as description, and the other subscriptions still
 * forward theirs. The reason name "ForwardingFailed" is the fake's; filters are not modelled
 * (every subscription takes every event).
 */
export class FakeTopic {
    private readonly deadLetterQueues = new Map<string, FakeSubscriptionDeadLetter[]>();

    constructor(
        private readonly bus: ServiceBusFake,
        readonly name: string,
        readonly subscriptions: readonly FakeSubscriptionOptions[],
    ) {
        for (const s of subscriptions) this.deadLetterQueues.set(s.name, []);
    }

    /** Copies each event to every subscription, which forwards it to its queue. */
    publish(messages: ServiceBusMessage[]): void {
        for (const subscription of this.subscriptions) {
            for (const message of messages) {
                try {
                    this.bus.send(subscription.forwardTo, [structuredClone(message)]);
                } catch (error) {
                    this.deadLetters(subscription.name).push({ message, deadLetterReason: "ForwardingFailed", deadLetterErrorDescription: (error as Error).message });
                }
            }
        }
    }

    /** The subscription's `$deadletterqueue`. */
    deadLetters(subscription: string): FakeSubscriptionDeadLetter[] {
        const queue = this.deadLetterQueues.get(subscription);
        if (!queue) throw new Error(`topic ${this.name} has no subscription ${subscription}`);
        return queue;
    }
}
