import { pubsubDefaults } from "../lib/gcp";
import { pubsubConsumers, pubsubSubscriptions } from "../lib/gcp-stack";
import { stackPolicy } from "../lib/policy";
import { requiredVisibilitySeconds, type VisibilityConfig, visibilitySchema } from "../lib/settings";

/**
 * A push subscription's ack deadline (also its push request timeout) is at least
 * `timeoutMultiple` (default 6) times the timeout of the function it pushes to (Cloud Functions 1st
 * or 2nd gen, or a Cloud Run service), capped at
 * Pub/Sub's 600 s. Shorter, and Pub/Sub redelivers while the first delivery still runs.
 * A function whose environment sets `QUEUESTACK_WORKER_TIMEOUT_SECONDS` (the message timeout its
 * worker enforces) is judged by that, when shorter: a queuestack push function with headroom keeps
 * a request open for the whole ack deadline while the delivery waits for a slot, but one attempt
 * still runs at most the message timeout. Without the variable, the function's timeout counts.
 */
export const gcpPubsubSubscriptionRequireAckDeadlineAboveWorkerTimeout = stackPolicy<VisibilityConfig>({
    name: "gcp-pubsub-subscription-require-ack-deadline-above-worker-timeout",
    description: "Pub/Sub ack deadlines outlast the functions consuming them (default 6 x the function timeout, at most 600 s).",
    enforcementLevel: "mandatory",
    configSchema: visibilitySchema,
    validate: ({ args, config, report }) => {
        const consumers = pubsubConsumers(args.resources, pubsubSubscriptions(args.resources)).filter((c) => c.timeoutSeconds !== undefined);
        if (consumers.length === 0) return args.notApplicable("No Cloud Function or Cloud Run service consumes a Pub/Sub subscription in this stack");
        for (const { subscription, resource, kind, timeoutSeconds = 0 } of consumers) {
            const required = requiredVisibilitySeconds(timeoutSeconds, config.timeoutMultiple, pubsubDefaults.maxAckDeadlineSeconds);
            if (subscription.ackDeadlineSeconds >= required) continue;
            report(
                `Pub/Sub subscription "${subscription.resource.name}" has an ack deadline of ${subscription.ackDeadlineSeconds} s, below ${config.timeoutMultiple} x the ${timeoutSeconds} s timeout of ${kind} "${resource.name}" that consumes it. ` +
                    `Set ackDeadlineSeconds to at least ${required}.`,
                subscription.resource.urn,
            );
        }
    },
});
