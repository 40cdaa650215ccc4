import { pubsubSubscriptions } from "../lib/gcp-stack";
import { stackPolicy } from "../lib/policy";

/** Each dead-letter topic has a subscription: Pub/Sub drops messages published to a topic nobody subscribes to. */
export const gcpPubsubDeadLetterTopicRequireSubscription = stackPolicy({
    name: "gcp-pubsub-dead-letter-topic-require-subscription",
    description: "Every Pub/Sub dead-letter topic has a subscription that keeps dead-lettered messages.",
    enforcementLevel: "mandatory",
    validate: ({ args, report }) => {
        const subscriptions = pubsubSubscriptions(args.resources);
        const sources = subscriptions.filter((s) => s.deadLetterTopic);
        if (sources.length === 0) return args.notApplicable("No Pub/Sub subscription with a dead-letter policy");
        for (const source of sources) {
            if (subscriptions.some((s) => s.topic === source.deadLetterTopic)) continue;
            report(
                `Dead-letter topic "${source.deadLetterTopic}" of Pub/Sub subscription "${source.resource.name}" has no subscription, so dead-lettered messages are dropped. ` +
                    `Add a gcp.pubsub.Subscription on topic "${source.deadLetterTopic}" (retention longer than the source's).`,
                source.resource.urn,
            );
        }
    },
});
