import type * as aws from "@pulumi/aws";
import type { Unwrap } from "@pulumi/pulumi";
import { queueNameOf, redriveOf, sqsQueueType, sqsRedrivePolicyType } from "../lib/aws";
import { resourcePolicy } from "../lib/policy";

type Props = Unwrap<aws.sqs.QueueArgs> | Unwrap<aws.sqs.RedrivePolicyArgs>;

/** A FIFO queue's dead-letter queue is FIFO too (its ARN's name ends in `.fifo`); SQS refuses anything else. */
export const awsSqsQueueRequireFifoDeadLetterQueue = resourcePolicy<Props>({
    name: "aws-sqs-queue-require-fifo-dead-letter-queue",
    description: "FIFO SQS queues dead-letter into a FIFO queue.",
    enforcementLevel: "mandatory",
    types: [sqsQueueType, sqsRedrivePolicyType],
    validate: (props, { args, report }) => {
        const fifo = "queueUrl" in props ? String(props.queueUrl).endsWith(".fifo") : props.fifoQueue === true;
        if (!fifo) return args.notApplicable("Not a FIFO queue");
        const redrive = redriveOf(props.redrivePolicy);
        if (redrive === undefined || redrive === "invalid" || !redrive.deadLetterTargetArn) return args.notApplicable("No dead-letter target");
        const target = queueNameOf(redrive.deadLetterTargetArn);
        if (!target.endsWith(".fifo")) {
            report(`FIFO SQS queue "${args.name}" dead-letters into standard queue "${target}". Point deadLetterTargetArn at a FIFO queue (fifoQueue: true, name ending in ".fifo").`);
        }
    },
});
