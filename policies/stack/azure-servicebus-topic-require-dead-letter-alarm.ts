import { metricAlertTypes } from "../lib/azure";
import { alertWatchesEntity } from "../lib/azure-stack";
import { stackPolicy } from "../lib/policy";
import { ofType, text } from "../lib/stack";

/**
 * Every Service Bus topic has a metric alert with an action group on `DeadletteredMessages` for
 * its entity. A subscription's dead letters (expired before they were forwarded, delivery count
 * exceeded, filter errors) stay in the subscription's own `$deadletterqueue` and count under the
 * topic's name, so the alerts on the queues they feed never see them.
 */
export const azureServicebusTopicRequireDeadLetterAlarm = stackPolicy({
    name: "azure-servicebus-topic-require-dead-letter-alarm",
    description: "Every Service Bus topic alerts when its subscriptions dead-letter messages, so fan-out failures are seen.",
    enforcementLevel: "mandatory",
    validate: ({ args, report }) => {
        const topics = ofType(args.resources, "azure-native:servicebus:Topic");
        if (topics.length === 0) return args.notApplicable("No Service Bus topics");
        const alerts = ofType(args.resources, ...metricAlertTypes);
        for (const topic of topics) {
            const entity = text(topic.props.topicName) ?? text(topic.props.name) ?? topic.name;
            if (alerts.some((alert) => alertWatchesEntity(alert, "DeadletteredMessages", entity))) continue;
            report(
                `Service Bus topic "${topic.name}" has no dead-letter alert: messages its subscriptions dead-letter go unnoticed. ` +
                    `Add an Azure Monitor metric alert (azure-native monitor.MetricAlert) on DeadletteredMessages with dimension EntityName = "${entity}" and an action group.`,
                topic.urn,
            );
        }
    },
});
