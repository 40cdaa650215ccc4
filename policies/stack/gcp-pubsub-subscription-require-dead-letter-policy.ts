import { pubsubSubscriptions } from "../lib/gcp-stack";
import { stackPolicy } from "../lib/policy";

/**
 * Every Pub/Sub work subscription has a dead-letter policy. Subscriptions reading a dead-letter
 * topic are exempt; only the whole stack shows which topics those are.
 */
export const gcpPubsubSubscriptionRequireDeadLetterPolicy = stackPolicy({
    name: "gcp-pubsub-subscription-require-dead-letter-policy",
    description: "Every Pub/Sub work subscription forwards messages that keep failing to a dead-letter topic, instead of redelivering them until retention drops them.",
    enforcementLevel: "mandatory",
    validate: ({ args, report }) => {
        const subscriptions = pubsubSubscriptions(args.resources);
        if (subscriptions.length === 0) return args.notApplicable("No Pub/Sub subscriptions");
        for (const subscription of subscriptions) {
            if (subscription.isDeadLetter || subscription.deadLetterTopic) continue;
            report(
                `Pub/Sub subscription "${subscription.resource.name}" has no dead-letter policy: a failing message is redelivered until retention drops it. ` +
                    `Create a dead-letter topic with its own subscription and set deadLetterPolicy: { deadLetterTopic: <topic id>, maxDeliveryAttempts: 5 }.`,
                subscription.resource.urn,
            );
        }
    },
});
