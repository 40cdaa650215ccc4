import type * as gcp from "@pulumi/gcp";
import type { Unwrap } from "@pulumi/pulumi";
import { pubsubDefaults, pubsubSubscriptionType } from "../lib/gcp";
import { resourcePolicy } from "../lib/policy";
import { type DeliveryAttemptsConfig, deliveryAttemptsSchema, outsideRange } from "../lib/settings";

/**
 * `deadLetterPolicy.maxDeliveryAttempts` (Pub/Sub default 5, allowed 5-100) lies in a configurable
 * range (default 3-10). Subscriptions without a dead-letter policy are covered by
 * gcp-pubsub-subscription-require-dead-letter-policy.
 */
export const gcpPubsubSubscriptionLimitMaxDeliveryAttempts = resourcePolicy<Unwrap<gcp.pubsub.SubscriptionArgs>, DeliveryAttemptsConfig>({
    name: "gcp-pubsub-subscription-limit-max-delivery-attempts",
    description: "Pub/Sub dead-letter policies forward a message after a bounded number of delivery attempts (default 3-10).",
    enforcementLevel: "advisory",
    types: [pubsubSubscriptionType],
    configSchema: deliveryAttemptsSchema,
    validate: (props, { args, config, report }) => {
        if (!props.deadLetterPolicy) return args.notApplicable("No dead-letter policy");
        const attempts = props.deadLetterPolicy.maxDeliveryAttempts ?? pubsubDefaults.maxDeliveryAttempts;
        const { minimumDeliveryAttempts: min, maximumDeliveryAttempts: max } = config;
        if (outsideRange(attempts, min, max)) {
            report(`Pub/Sub subscription "${args.name}" dead-letters a message after ${attempts} delivery attempts; allowed: ${min} to ${max}. Set deadLetterPolicy.maxDeliveryAttempts between ${Math.max(min, 5)} and ${max} (Pub/Sub accepts 5-100).`);
        }
    },
});
