import { deduplicationTagKey, senderDeduplicationTagValue } from "../lib/declarations";
import { stackPolicy } from "../lib/policy";
import { sqsQueues } from "../lib/aws-stack";

/**
 * FIFO work queues deduplicate: `contentBasedDeduplication`, or the tag
 * `queuestack:deduplication = messageId` declaring that every sender sets MessageDeduplicationId.
 * FIFO dead-letter queues only receive redriven messages and are exempt; a stack policy, because
 * only the whole stack shows which queues are dead-letter queues.
 */
export const awsSqsQueueRequireFifoDeduplication = stackPolicy({
    name: "aws-sqs-queue-require-fifo-deduplication",
    description: "FIFO SQS queues deduplicate messages, so a retried send is not processed twice in order.",
    enforcementLevel: "mandatory",
    validate: ({ args, report }) => {
        const fifo = sqsQueues(args.resources).filter((q) => q.resource.props.fifoQueue === true && !q.isDeadLetter);
        if (fifo.length === 0) return args.notApplicable("No FIFO SQS work queues");
        for (const { resource } of fifo) {
            if (resource.props.contentBasedDeduplication === true) continue;
            if (resource.props.tags?.[deduplicationTagKey] === senderDeduplicationTagValue) continue;
            report(
                `FIFO SQS queue "${resource.name}" does not deduplicate: contentBasedDeduplication is off. Set contentBasedDeduplication: true, ` +
                    `or, if every sender sets MessageDeduplicationId, tag the queue "${deduplicationTagKey}" = "${senderDeduplicationTagValue}".`,
                resource.urn,
            );
        }
    },
});
