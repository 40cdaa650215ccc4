import { alertWatchesSubscription, pubsubSubscriptions } from "../lib/gcp-stack";
import { stackPolicy } from "../lib/policy";
import { ofType } from "../lib/stack";

const oldestUnacked = "pubsub.googleapis.com/subscription/oldest_unacked_message_age";

/** Every Pub/Sub work subscription has an alert policy with a notification channel on `oldest_unacked_message_age`. */
export const gcpPubsubSubscriptionRequireBacklogAgeAlarm = stackPolicy({
    name: "gcp-pubsub-subscription-require-backlog-age-alarm",
    description: "Every Pub/Sub work subscription alerts when its oldest unacknowledged message gets old, so a stalled consumer is noticed.",
    enforcementLevel: "advisory",
    validate: ({ args, report }) => {
        const work = pubsubSubscriptions(args.resources).filter((s) => !s.isDeadLetter);
        if (work.length === 0) return args.notApplicable("No Pub/Sub work subscriptions");
        const alerts = ofType(args.resources, "gcp:monitoring/alertPolicy:AlertPolicy");
        for (const subscription of work) {
            if (alerts.some((alert) => alertWatchesSubscription(alert, oldestUnacked, subscription.physicalName))) continue;
            report(
                `Pub/Sub subscription "${subscription.resource.name}" has no backlog-age alert. ` +
                    `Add a gcp.monitoring.AlertPolicy with notificationChannels on ${oldestUnacked} for subscription_id="${subscription.physicalName}", at your backlog SLA.`,
                subscription.resource.urn,
            );
        }
    },
});
