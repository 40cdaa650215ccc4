import { metricAlertTypes } from "../lib/azure";
import { alertWatchesEntity, serviceBusQueues } from "../lib/azure-stack";
import { stackPolicy } from "../lib/policy";
import { ofType } from "../lib/stack";

/** Every Service Bus queue has a metric alert with an action group on `DeadletteredMessages` for its entity. */
export const azureServicebusQueueRequireDeadLetterAlarm = stackPolicy({
    name: "azure-servicebus-queue-require-dead-letter-alarm",
    description: "Every Service Bus queue alerts when messages reach its dead-letter queue, so failures are seen.",
    enforcementLevel: "mandatory",
    validate: ({ args, report }) => {
        const queues = serviceBusQueues(args.resources);
        if (queues.length === 0) return args.notApplicable("No Service Bus queues");
        const alerts = ofType(args.resources, ...metricAlertTypes);
        for (const queue of queues) {
            if (alerts.some((alert) => alertWatchesEntity(alert, "DeadletteredMessages", queue.physicalName))) continue;
            report(
                `Service Bus queue "${queue.resource.name}" has no dead-letter alert: dead-lettered messages go unnoticed. ` +
                    `Add an Azure Monitor metric alert (azure-native monitor.MetricAlert) on DeadletteredMessages with dimension EntityName = "${queue.physicalName}" and an action group.`,
                queue.resource.urn,
            );
        }
    },
});
