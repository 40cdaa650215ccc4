import type * as gcp from "@pulumi/gcp";
import type { Unwrap } from "@pulumi/pulumi";
import { durationSeconds, pubsubDefaults, pubsubSubscriptionType } from "../lib/gcp";
import { resourcePolicy } from "../lib/policy";
import { formatSeconds, outsideRange, type RetentionConfig, retentionSchema, secondsPerDay } from "../lib/settings";

/** `messageRetentionDuration` (Pub/Sub default 7 days) lies within configurable bounds (default 1-14 days). */
export const gcpPubsubSubscriptionLimitMessageRetention = resourcePolicy<Unwrap<gcp.pubsub.SubscriptionArgs>, RetentionConfig>({
    name: "gcp-pubsub-subscription-limit-message-retention",
    description: "Pub/Sub subscriptions keep unacknowledged messages long enough to survive an outage, and not forever (default 1-14 days).",
    enforcementLevel: "mandatory",
    types: [pubsubSubscriptionType],
    configSchema: retentionSchema,
    validate: (props, { args, config, report }) => {
        const { minimumRetentionDays: minDays, maximumRetentionDays: maxDays } = config;
        const fix = `Set messageRetentionDuration between "${minDays * secondsPerDay}s" and "${maxDays * secondsPerDay}s".`;
        const text = props.messageRetentionDuration;
        const retention = text === undefined ? pubsubDefaults.messageRetentionSeconds : durationSeconds(text);
        if (retention === undefined) {
            report(`Pub/Sub subscription "${args.name}" has an unreadable messageRetentionDuration "${text}". ${fix}`);
        } else if (outsideRange(retention, minDays * secondsPerDay, maxDays * secondsPerDay)) {
            report(`Pub/Sub subscription "${args.name}" keeps messages for ${formatSeconds(retention)}; allowed: ${minDays} to ${maxDays} days. ${fix}`);
        }
    },
});
