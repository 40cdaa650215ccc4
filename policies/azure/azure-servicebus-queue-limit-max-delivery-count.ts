import type * as azure from "@pulumi/azure-native";
import type { Unwrap } from "@pulumi/pulumi";
import { serviceBusDefaultMaxDeliveryCount, serviceBusEntityTypes, serviceBusLabel } from "../lib/azure";
import { resourcePolicy } from "../lib/policy";
import { type DeliveryAttemptsConfig, deliveryAttemptsSchema, outsideRange } from "../lib/settings";

type Props = Unwrap<azure.servicebus.QueueArgs> | Unwrap<azure.servicebus.SubscriptionArgs>;

/** `maxDeliveryCount` (Service Bus default 10) lies in a configurable range (default 3-10). */
export const azureServicebusQueueLimitMaxDeliveryCount = resourcePolicy<Props, DeliveryAttemptsConfig>({
    name: "azure-servicebus-queue-limit-max-delivery-count",
    description: "Service Bus queues and subscriptions dead-letter a message after a bounded number of deliveries (default 3-10).",
    enforcementLevel: "advisory",
    types: serviceBusEntityTypes,
    configSchema: deliveryAttemptsSchema,
    validate: (props, { args, config, report }) => {
        const count = props.maxDeliveryCount ?? serviceBusDefaultMaxDeliveryCount;
        const { minimumDeliveryAttempts: min, maximumDeliveryAttempts: max } = config;
        if (outsideRange(count, min, max)) {
            report(`${serviceBusLabel(args.type, args.name)} dead-letters a message after ${count} deliveries; allowed: ${min} to ${max}. Set maxDeliveryCount between ${min} and ${max}.`);
        }
    },
});
