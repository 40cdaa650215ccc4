import type * as azure from "@pulumi/azure-native";
import type { Unwrap } from "@pulumi/pulumi";
import { serviceBusQueueType } from "../lib/azure";
import { resourcePolicy } from "../lib/policy";

/** Session (ordered) queues turn on duplicate detection, so a retried send is not processed twice in order. */
export const azureServicebusQueueRequireDuplicateDetection = resourcePolicy<Unwrap<azure.servicebus.QueueArgs>>({
    name: "azure-servicebus-queue-require-duplicate-detection",
    description: "Ordered (session) Service Bus queues detect duplicate messages.",
    enforcementLevel: "mandatory",
    types: [serviceBusQueueType],
    validate: (props, { args, report }) => {
        if (props.requiresSession !== true) return args.notApplicable("Not a session queue");
        if (props.requiresDuplicateDetection !== true) {
            report(`Session-enabled Service Bus queue "${args.name}" does not detect duplicates. Set requiresDuplicateDetection: true (and duplicateDetectionHistoryTimeWindow, default "PT10M"); senders set MessageId.`);
        }
    },
});
