import type * as aws from "@pulumi/aws";
import type { Unwrap } from "@pulumi/pulumi";
import { sqsDefaults, sqsQueueType } from "../lib/aws";
import { resourcePolicy } from "../lib/policy";
import { formatSeconds, outsideRange, type RetentionConfig, retentionSchema, secondsPerDay } from "../lib/settings";

/**
 * `messageRetentionSeconds` (SQS default 4 days) lies within configurable bounds (default 1-14
 * days). Too short and a weekend outage deletes unprocessed work.
 */
export const awsSqsQueueLimitMessageRetention = resourcePolicy<Unwrap<aws.sqs.QueueArgs>, RetentionConfig>({
    name: "aws-sqs-queue-limit-message-retention",
    description: "SQS queues keep unprocessed messages long enough to survive an outage, and not forever (default 1-14 days).",
    enforcementLevel: "mandatory",
    types: [sqsQueueType],
    configSchema: retentionSchema,
    validate: (props, { args, config, report }) => {
        const retention = props.messageRetentionSeconds ?? sqsDefaults.messageRetentionSeconds;
        const min = config.minimumRetentionDays * secondsPerDay;
        const max = config.maximumRetentionDays * secondsPerDay;
        if (outsideRange(retention, min, max)) {
            report(`SQS queue "${args.name}" keeps messages for ${formatSeconds(retention)}; allowed: ${config.minimumRetentionDays} to ${config.maximumRetentionDays} days. Set messageRetentionSeconds between ${min} and ${max}.`);
        }
    },
});
