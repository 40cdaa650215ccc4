import { metricAlertTypes } from "../lib/azure";
import { alertWatchesEntity, serviceBusQueues } from "../lib/azure-stack";
import { stackPolicy } from "../lib/policy";
import { ofType } from "../lib/stack";

/**
 * Every Service Bus queue has a metric alert with an action group on `ActiveMessages` for its
 * entity (Service Bus publishes no oldest-message-age metric; the backlog stands in for it).
 */
export const azureServicebusQueueRequireBacklogAlarm = stackPolicy({
    name: "azure-servicebus-queue-require-backlog-alarm",
    description: "Every Service Bus queue alerts when its backlog grows, so a stalled consumer is noticed.",
    enforcementLevel: "advisory",
    validate: ({ args, report }) => {
        const queues = serviceBusQueues(args.resources);
        if (queues.length === 0) return args.notApplicable("No Service Bus queues");
        const alerts = ofType(args.resources, ...metricAlertTypes);
        for (const queue of queues) {
            if (alerts.some((alert) => alertWatchesEntity(alert, "ActiveMessages", queue.physicalName))) continue;
            report(
                `Service Bus queue "${queue.resource.name}" has no backlog alert. ` +
                    `Add an Azure Monitor metric alert (azure-native monitor.MetricAlert) on ActiveMessages with dimension EntityName = "${queue.physicalName}", at your backlog SLA, and an action group.`,
                queue.resource.urn,
            );
        }
    },
});
