import type * as aws from "@pulumi/aws";
import type { Unwrap } from "@pulumi/pulumi";
import { redriveOf, sqsQueueType, sqsRedrivePolicyType } from "../lib/aws";
import { resourcePolicy } from "../lib/policy";
import { type DeliveryAttemptsConfig, deliveryAttemptsSchema, outsideRange } from "../lib/settings";

type Props = Unwrap<aws.sqs.QueueArgs> | Unwrap<aws.sqs.RedrivePolicyArgs>;

/**
 * The redrive policy's `maxReceiveCount` lies in a configurable range (default 3-10). Applies to
 * queues with an inline `redrivePolicy` and to `aws.sqs.RedrivePolicy` resources; queues without
 * one are covered by aws-sqs-queue-require-dead-letter-queue.
 */
export const awsSqsQueueLimitMaxReceiveCount = resourcePolicy<Props, DeliveryAttemptsConfig>({
    name: "aws-sqs-queue-limit-max-receive-count",
    description: "SQS redrive policies dead-letter a message after a bounded number of receives (default 3-10).",
    enforcementLevel: "advisory",
    types: [sqsQueueType, sqsRedrivePolicyType],
    configSchema: deliveryAttemptsSchema,
    validate: (props, { args, config, report }) => {
        const redrive = redriveOf(props.redrivePolicy);
        if (redrive === undefined || redrive === "invalid") return args.notApplicable("No readable redrive policy");
        const { minimumDeliveryAttempts: min, maximumDeliveryAttempts: max } = config;
        const count = redrive.maxReceiveCount;
        if (count === undefined || !Number.isFinite(count)) {
            report(`SQS queue "${args.name}" has a redrive policy without maxReceiveCount. Add "maxReceiveCount" between ${min} and ${max} to its redrivePolicy.`);
        } else if (outsideRange(count, min, max)) {
            report(`SQS queue "${args.name}" dead-letters a message after ${count} receives; allowed: ${min} to ${max}. Set maxReceiveCount in its redrivePolicy between ${min} and ${max}.`);
        }
    },
});
