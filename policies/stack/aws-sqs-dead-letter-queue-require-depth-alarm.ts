import { alarmWatchesQueue, sqsQueues } from "../lib/aws-stack";
import { stackPolicy } from "../lib/policy";
import { ofType } from "../lib/stack";

/**
 * Every SQS dead-letter queue has a CloudWatch alarm with an action on
 * `ApproximateNumberOfMessagesVisible` (redrive moves do not count in NumberOfMessagesSent).
 */
export const awsSqsDeadLetterQueueRequireDepthAlarm = stackPolicy({
    name: "aws-sqs-dead-letter-queue-require-depth-alarm",
    description: "Every SQS dead-letter queue alarms when messages arrive, so failures are seen before they expire.",
    enforcementLevel: "mandatory",
    validate: ({ args, report }) => {
        const deadLetters = sqsQueues(args.resources).filter((q) => q.isDeadLetter);
        if (deadLetters.length === 0) return args.notApplicable("No SQS dead-letter queues");
        const alarms = ofType(args.resources, "aws:cloudwatch/metricAlarm:MetricAlarm");
        for (const queue of deadLetters) {
            if (alarms.some((alarm) => alarmWatchesQueue(alarm, "ApproximateNumberOfMessagesVisible", queue.physicalName))) continue;
            report(
                `Dead-letter queue "${queue.resource.name}" has no depth alarm: dead-lettered messages go unnoticed until they expire. ` +
                    `Add a CloudWatch metric alarm on AWS/SQS ApproximateNumberOfMessagesVisible, dimension QueueName = "${queue.physicalName}", threshold > 0, with alarmActions.`,
                queue.resource.urn,
            );
        }
    },
});
