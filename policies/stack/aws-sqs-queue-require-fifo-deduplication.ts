import type * as aws from "@pulumi/aws";
import type { Unwrap } from "@pulumi/pulumi";
import { sqsQueueType } from "../lib/aws";
import { deduplicationTagKey, senderDeduplicationTagValue } from "../lib/declarations";
import { resourcePolicy } from "../lib/policy";

/**
 * FIFO queues deduplicate: `contentBasedDeduplication`, or the tag
 * `queuestack:deduplication = messageId` declaring that every sender sets MessageDeduplicationId.
 * Dead-letter queues (declared with `redriveAllowPolicy`) only receive redriven messages and are exempt.
 */
export const awsSqsQueueRequireFifoDeduplication = resourcePolicy<Unwrap<aws.sqs.QueueArgs>>({
    name: "aws-sqs-queue-require-fifo-deduplication",
    description: "FIFO SQS queues deduplicate messages, so a retried send is not processed twice in order.",
    enforcementLevel: "mandatory",
    types: [sqsQueueType],
    validate: (props, { args, report }) => {
        if (props.fifoQueue !== true) return args.notApplicable("Not a FIFO queue");
        if (props.redriveAllowPolicy) return args.notApplicable("A dead-letter queue (redriveAllowPolicy is set)");
        if (props.contentBasedDeduplication === true) return;
        if (props.tags?.[deduplicationTagKey] === senderDeduplicationTagValue) return;
        report(
            `FIFO SQS queue "${args.name}" does not deduplicate: contentBasedDeduplication is off. Set contentBasedDeduplication: true, ` +
                `or, if every sender sets MessageDeduplicationId, tag the queue "${deduplicationTagKey}" = "${senderDeduplicationTagValue}".`,
        );
    },
});
