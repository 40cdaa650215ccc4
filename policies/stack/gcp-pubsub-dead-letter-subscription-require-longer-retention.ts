import { pubsubSubscriptions } from "../lib/gcp-stack";
import { stackPolicy } from "../lib/policy";
import { formatSeconds } from "../lib/settings";

/** A dead-letter subscription keeps messages longer than the subscription that dead-letters into it. */
export const gcpPubsubDeadLetterSubscriptionRequireLongerRetention = stackPolicy({
    name: "gcp-pubsub-dead-letter-subscription-require-longer-retention",
    description: "Pub/Sub dead-letter subscriptions keep messages longer than their source subscriptions, so failures outlive the work they came from.",
    enforcementLevel: "mandatory",
    validate: ({ args, report }) => {
        const subscriptions = pubsubSubscriptions(args.resources);
        const pairs = subscriptions.flatMap((source) =>
            subscriptions.filter((s) => source.deadLetterTopic !== undefined && s.topic === source.deadLetterTopic).map((deadLetter) => ({ source, deadLetter })),
        );
        if (pairs.length === 0) return args.notApplicable("No Pub/Sub dead-letter subscription in this stack");
        for (const { source, deadLetter } of pairs) {
            if (deadLetter.retentionSeconds > source.retentionSeconds) continue;
            report(
                `Dead-letter subscription "${deadLetter.resource.name}" keeps messages for ${formatSeconds(deadLetter.retentionSeconds)}, no longer than its source Pub/Sub subscription "${source.resource.name}" (${formatSeconds(source.retentionSeconds)}). ` +
                    `Set its messageRetentionDuration above "${source.retentionSeconds}s" (at most "2678400s"), or shorten the source's.`,
                deadLetter.resource.urn,
            );
        }
    },
});
