import type * as azure from "@pulumi/azure-native";
import type { Unwrap } from "@pulumi/pulumi";
import { isoDurationSeconds, serviceBusEntityTypes, serviceBusLabel } from "../lib/azure";
import { resourcePolicy } from "../lib/policy";
import { formatSeconds, outsideRange, type RetentionConfig, retentionSchema, secondsPerDay } from "../lib/settings";

type Props = Unwrap<azure.servicebus.QueueArgs> | Unwrap<azure.servicebus.SubscriptionArgs>;

/**
 * `defaultMessageTimeToLive` lies within configurable bounds (default 1-14 days). Unset means
 * messages never expire, which hides a dead consumer behind an ever-growing backlog.
 */
export const azureServicebusQueueLimitMessageTimeToLive = resourcePolicy<Props, RetentionConfig>({
    name: "azure-servicebus-queue-limit-message-time-to-live",
    description: "Service Bus queues and subscriptions keep unprocessed messages long enough to survive an outage, and not forever (default 1-14 days).",
    enforcementLevel: "mandatory",
    types: serviceBusEntityTypes,
    configSchema: retentionSchema,
    validate: (props, { args, config, report }) => {
        const { minimumRetentionDays: minDays, maximumRetentionDays: maxDays } = config;
        const fix = `Set defaultMessageTimeToLive between "P${minDays}D" and "P${maxDays}D".`;
        const label = serviceBusLabel(args.type, args.name);
        if (props.defaultMessageTimeToLive === undefined) {
            report(`${label} never expires messages (defaultMessageTimeToLive is not set); allowed: ${minDays} to ${maxDays} days. ${fix}`);
            return;
        }
        const ttl = isoDurationSeconds(props.defaultMessageTimeToLive);
        if (ttl === undefined) {
            report(`${label} has an unreadable defaultMessageTimeToLive "${props.defaultMessageTimeToLive}". ${fix}`);
        } else if (outsideRange(ttl, minDays * secondsPerDay, maxDays * secondsPerDay)) {
            report(`${label} keeps messages for ${formatSeconds(ttl)}; allowed: ${minDays} to ${maxDays} days. ${fix}`);
        }
    },
});
