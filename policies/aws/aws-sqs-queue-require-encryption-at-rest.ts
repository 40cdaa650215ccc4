import type * as aws from "@pulumi/aws";
import type { Unwrap } from "@pulumi/pulumi";
import { sqsQueueType } from "../lib/aws";
import { resourcePolicy } from "../lib/policy";

/** SQS encrypts new queues with SQS-managed keys unless told not to; a queue may not opt out without a KMS key. */
export const awsSqsQueueRequireEncryptionAtRest = resourcePolicy<Unwrap<aws.sqs.QueueArgs>>({
    name: "aws-sqs-queue-require-encryption-at-rest",
    description: "SQS queues encrypt messages at rest (SQS-managed SSE or a KMS key).",
    enforcementLevel: "mandatory",
    types: [sqsQueueType],
    validate: (props, { args, report }) => {
        if (props.sqsManagedSseEnabled === false && !props.kmsMasterKeyId) {
            report(`SQS queue "${args.name}" stores messages unencrypted (sqsManagedSseEnabled: false, no kmsMasterKeyId). Remove sqsManagedSseEnabled: false, or set kmsMasterKeyId.`);
        }
    },
});
