import type * as azure from "@pulumi/azure-native";
import type { Unwrap } from "@pulumi/pulumi";
import { serviceBusEntityTypes, serviceBusLabel } from "../lib/azure";
import { resourcePolicy } from "../lib/policy";

type Props = Unwrap<azure.servicebus.QueueArgs> | Unwrap<azure.servicebus.SubscriptionArgs>;

/**
 * Service Bus always dead-letters after maxDeliveryCount, but drops expired messages unless
 * `deadLetteringOnMessageExpiration` is on: the only way a message can vanish unseen.
 */
export const azureServicebusQueueRequireDeadLetteringOnExpiration = resourcePolicy<Props>({
    name: "azure-servicebus-queue-require-dead-lettering-on-expiration",
    description: "Service Bus queues and subscriptions move expired messages to their dead-letter queue instead of dropping them.",
    enforcementLevel: "mandatory",
    types: serviceBusEntityTypes,
    validate: (props, { args, report }) => {
        if (props.deadLetteringOnMessageExpiration !== true) {
            report(`${serviceBusLabel(args.type, args.name)} drops messages that expire unprocessed. Set deadLetteringOnMessageExpiration: true.`);
        }
    },
});
