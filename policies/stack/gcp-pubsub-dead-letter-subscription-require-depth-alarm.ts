import { alertWatchesSubscription, pubsubSubscriptions } from "../lib/gcp-stack";
import { stackPolicy } from "../lib/policy";
import { ofType } from "../lib/stack";

const undelivered = "pubsub.googleapis.com/subscription/num_undelivered_messages";
const deadLettered = "pubsub.googleapis.com/subscription/dead_letter_message_count";

/**
 * Every dead-lettering subscription has an alert policy with a notification channel on its
 * dead-letter subscription's `num_undelivered_messages`, or on its own `dead_letter_message_count`.
 */
export const gcpPubsubDeadLetterSubscriptionRequireDepthAlarm = stackPolicy({
    name: "gcp-pubsub-dead-letter-subscription-require-depth-alarm",
    description: "Every Pub/Sub dead-letter path alerts when messages arrive, so failures are seen before they expire.",
    enforcementLevel: "mandatory",
    validate: ({ args, report }) => {
        const subscriptions = pubsubSubscriptions(args.resources);
        const sources = subscriptions.filter((s) => s.deadLetterTopic);
        if (sources.length === 0) return args.notApplicable("No Pub/Sub subscription with a dead-letter policy");
        const alerts = ofType(args.resources, "gcp:monitoring/alertPolicy:AlertPolicy");
        for (const source of sources) {
            const deadLetters = subscriptions.filter((s) => s.topic === source.deadLetterTopic);
            const watched = alerts.some((alert) =>
                alertWatchesSubscription(alert, deadLettered, source.physicalName) ||
                deadLetters.some((d) => alertWatchesSubscription(alert, undelivered, d.physicalName)),
            );
            if (watched) continue;
            report(
                `Pub/Sub subscription "${source.resource.name}" dead-letters without an alert: failed messages go unnoticed until they expire. ` +
                    `Add a gcp.monitoring.AlertPolicy with notificationChannels on ${deadLettered} for subscription_id="${source.physicalName}" (or num_undelivered_messages of its dead-letter subscription).`,
                source.resource.urn,
            );
        }
    },
});
