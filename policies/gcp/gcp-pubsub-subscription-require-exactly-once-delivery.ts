import type * as gcp from "@pulumi/gcp";
import type { Unwrap } from "@pulumi/pulumi";
import { pubsubSubscriptionType } from "../lib/gcp";
import { resourcePolicy } from "../lib/policy";

/**
 * Ordered pull subscriptions turn on exactly-once delivery, so a redelivered message is not
 * processed twice in order. Pub/Sub offers exactly-once for pull subscriptions only: push
 * subscriptions are exempt and rely on the worker's idempotency guard.
 */
export const gcpPubsubSubscriptionRequireExactlyOnceDelivery = resourcePolicy<Unwrap<gcp.pubsub.SubscriptionArgs>>({
    name: "gcp-pubsub-subscription-require-exactly-once-delivery",
    description: "Ordered Pub/Sub pull subscriptions use exactly-once delivery.",
    enforcementLevel: "mandatory",
    types: [pubsubSubscriptionType],
    validate: (props, { args, report }) => {
        if (props.enableMessageOrdering !== true) return args.notApplicable("Not an ordered subscription");
        if (props.pushConfig) return args.notApplicable("Push subscription: exactly-once delivery is pull-only");
        if (props.enableExactlyOnceDelivery !== true) {
            report(`Ordered Pub/Sub subscription "${args.name}" may deliver a message twice. Set enableExactlyOnceDelivery: true.`);
        }
    },
});
