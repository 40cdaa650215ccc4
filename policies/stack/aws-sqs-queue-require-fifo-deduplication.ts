import { deduplicationTagKey, senderDeduplicationTagValue } from "../lib/declarations";
import { stackPolicy } from "../lib/policy";
import { sqsQueues } from "../lib/aws-stack";

/**
 * A FIFO work queue without `contentBasedDeduplication` is correct as long as every sender sets
 * `MessageDeduplicationId`: SQS deduplicates on that id and refuses any send without one ("If you
 * don't provide a MessageDeduplicationId and the queue doesn't have ContentBasedDeduplication set,
 * the action fails with an error", https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html).
 * The infrastructure cannot show which senders do, so this is advisory: the risk is a sender that
 * omits the id and has its sends refused. The tag `queuestack:deduplication = messageId` records
 * that every sender sets one. FIFO dead-letter queues only receive redriven messages and are exempt;
 * a stack policy, because only the whole stack shows which queues are dead-letter queues.
 */
export const awsSqsQueueRequireFifoDeduplication = stackPolicy({
    name: "aws-sqs-queue-require-fifo-deduplication",
    description: "FIFO SQS queues either deduplicate on content or are declared to get a MessageDeduplicationId from every sender (SQS refuses sends without one).",
    enforcementLevel: "advisory",
    validate: ({ args, report }) => {
        const fifo = sqsQueues(args.resources).filter((q) => q.resource.props.fifoQueue === true && !q.isDeadLetter);
        if (fifo.length === 0) return args.notApplicable("No FIFO SQS work queues");
        for (const { resource } of fifo) {
            if (resource.props.contentBasedDeduplication === true) continue;
            if (resource.props.tags?.[deduplicationTagKey] === senderDeduplicationTagValue) continue;
            report(
                `FIFO SQS queue "${resource.name}" has contentBasedDeduplication off, so SQS refuses every send without a MessageDeduplicationId (InvalidParameterValue). ` +
                    `If every sender sets one, tag the queue "${deduplicationTagKey}" = "${senderDeduplicationTagValue}" to record it; otherwise set contentBasedDeduplication: true.`,
                resource.urn,
            );
        }
    },
});
