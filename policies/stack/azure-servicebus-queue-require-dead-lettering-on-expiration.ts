import { serviceBusExpiries } from "../lib/azure-expiry";
import { stackPolicy } from "../lib/policy";
import { formatSeconds } from "../lib/settings";

/**
 * Service Bus always dead-letters after maxDeliveryCount, but drops expired messages unless
 * `deadLetteringOnMessageExpiration` is on: the only way a message can vanish unseen. Entities
 * whose messages never expire (no TTL on Standard or Premium) are left to
 * azure-servicebus-queue-limit-message-time-to-live, whose fix includes this setting; a stack
 * policy because whether an unset TTL expires depends on the namespace's tier (Basic: 14 days).
 */
export const azureServicebusQueueRequireDeadLetteringOnExpiration = stackPolicy({
    name: "azure-servicebus-queue-require-dead-lettering-on-expiration",
    description: "Service Bus queues and subscriptions move expired messages to their dead-letter queue instead of dropping them.",
    enforcementLevel: "mandatory",
    validate: ({ args, report }) => {
        const entities = serviceBusExpiries(args.resources);
        if (entities.length === 0) return args.notApplicable("No Service Bus queues or subscriptions");
        for (const { resource, label, ttlSeconds, basicDefault } of entities) {
            if (ttlSeconds === undefined || resource.props.deadLetteringOnMessageExpiration === true) continue;
            const after = Number.isNaN(ttlSeconds) ? "" : ` (after ${formatSeconds(ttlSeconds)}${basicDefault ? ", Basic's default TTL" : ""})`;
            report(`${label} drops messages that expire unprocessed${after}. Set deadLetteringOnMessageExpiration: true.`, resource.urn);
        }
    },
});
