import { sqsQueues } from "../lib/aws-stack";
import { stackPolicy } from "../lib/policy";

/**
 * Every SQS work queue has a dead-letter queue: an inline `redrivePolicy` or an
 * `aws.sqs.RedrivePolicy` resource with a `deadLetterTargetArn`. Queues that are themselves
 * dead-letter targets (or declare `redriveAllowPolicy`) are exempt. A stack policy, because only
 * the whole stack shows which queues are dead-letter queues.
 */
export const awsSqsQueueRequireDeadLetterQueue = stackPolicy({
    name: "aws-sqs-queue-require-dead-letter-queue",
    description: "Every SQS work queue dead-letters messages that keep failing, instead of retrying them until retention deletes them.",
    enforcementLevel: "mandatory",
    validate: ({ args, report }) => {
        const queues = sqsQueues(args.resources);
        if (queues.length === 0) return args.notApplicable("No SQS queues");
        for (const queue of queues) {
            if (queue.isDeadLetter || queue.redrive?.deadLetterTargetArn) continue;
            report(
                `SQS queue "${queue.resource.name}" has no dead-letter queue: a failing message retries until retention deletes it. ` +
                    `Create a dead-letter queue and set redrivePolicy: {"deadLetterTargetArn": <its arn>, "maxReceiveCount": 5}.`,
                queue.resource.urn,
            );
        }
    },
});
