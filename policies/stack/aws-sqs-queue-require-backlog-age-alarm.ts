import { alarmWatchesQueue, sqsQueues } from "../lib/aws-stack";
import { stackPolicy } from "../lib/policy";
import { ofType } from "../lib/stack";

/** Every SQS work queue has a CloudWatch alarm with an action on `ApproximateAgeOfOldestMessage`. */
export const awsSqsQueueRequireBacklogAgeAlarm = stackPolicy({
    name: "aws-sqs-queue-require-backlog-age-alarm",
    description: "Every SQS work queue alarms when its oldest message gets old, so a stalled consumer is noticed.",
    enforcementLevel: "advisory",
    validate: ({ args, report }) => {
        const workQueues = sqsQueues(args.resources).filter((q) => !q.isDeadLetter);
        if (workQueues.length === 0) return args.notApplicable("No SQS work queues");
        const alarms = ofType(args.resources, "aws:cloudwatch/metricAlarm:MetricAlarm");
        for (const queue of workQueues) {
            if (alarms.some((alarm) => alarmWatchesQueue(alarm, "ApproximateAgeOfOldestMessage", queue.physicalName))) continue;
            report(
                `SQS queue "${queue.resource.name}" has no backlog-age alarm. ` +
                    `Add a CloudWatch metric alarm on AWS/SQS ApproximateAgeOfOldestMessage, dimension QueueName = "${queue.physicalName}", at your backlog SLA, with alarmActions.`,
                queue.resource.urn,
            );
        }
    },
});
