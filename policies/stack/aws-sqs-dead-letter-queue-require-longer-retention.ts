import { deadLetterOf, sqsQueues } from "../lib/aws-stack";
import { stackPolicy } from "../lib/policy";
import { formatSeconds } from "../lib/settings";

/**
 * A dead-letter queue keeps messages longer than its source. SQS keeps a message's original
 * enqueue time when it is dead-lettered, so a DLQ with the same retention deletes it at once.
 */
export const awsSqsDeadLetterQueueRequireLongerRetention = stackPolicy({
    name: "aws-sqs-dead-letter-queue-require-longer-retention",
    description: "SQS dead-letter queues keep messages longer than their source queues, so a dead-lettered message is not deleted before anyone sees it.",
    enforcementLevel: "mandatory",
    validate: ({ args, report }) => {
        const queues = sqsQueues(args.resources);
        const pairs = queues.flatMap((source) => {
            const deadLetter = deadLetterOf(queues, source);
            return deadLetter ? [{ source, deadLetter }] : [];
        });
        if (pairs.length === 0) return args.notApplicable("No SQS queue with a dead-letter queue in this stack");
        for (const { source, deadLetter } of pairs) {
            if (deadLetter.retentionSeconds > source.retentionSeconds) continue;
            report(
                `Dead-letter queue "${deadLetter.resource.name}" keeps messages for ${formatSeconds(deadLetter.retentionSeconds)}, no longer than its source SQS queue "${source.resource.name}" (${formatSeconds(source.retentionSeconds)}); ` +
                    `SQS keeps the original enqueue time, so dead-lettered messages expire unseen. Set its messageRetentionSeconds above ${source.retentionSeconds} (at most 1209600), or shorten the source's.`,
                deadLetter.resource.urn,
            );
        }
    },
});
