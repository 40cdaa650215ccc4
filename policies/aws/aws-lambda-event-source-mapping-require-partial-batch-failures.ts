import type * as aws from "@pulumi/aws";
import type { Unwrap } from "@pulumi/pulumi";
import { resourcePolicy } from "../lib/policy";

export const reportBatchItemFailures = "ReportBatchItemFailures";

/**
 * Lambda functions reading SQS report which messages of a batch failed. Without it one failure
 * retries the whole batch: processed messages run again and, after maxReceiveCount, healthy
 * messages land in the dead-letter queue. A mapping with `batchSize: 1` has no batch to split, so
 * it does not apply there (SQS's default batch size is 10).
 */
export const awsLambdaEventSourceMappingRequirePartialBatchFailures = resourcePolicy<Unwrap<aws.lambda.EventSourceMappingArgs>>({
    name: "aws-lambda-event-source-mapping-require-partial-batch-failures",
    description: "Lambda SQS event source mappings report partial batch failures, so one bad message does not redeliver its whole batch.",
    enforcementLevel: "mandatory",
    types: ["aws:lambda/eventSourceMapping:EventSourceMapping"],
    validate: (props, { args, report }) => {
        if (!/^arn:aws[a-z-]*:sqs:/.test(String(props.eventSourceArn ?? ""))) return args.notApplicable("Not an SQS event source");
        if (props.batchSize === 1) return args.notApplicable("One message per batch: a failure retries only that message");
        if (!(props.functionResponseTypes ?? []).includes(reportBatchItemFailures)) {
            report(`Lambda event source mapping "${args.name}" retries whole SQS batches. Set functionResponseTypes: ["${reportBatchItemFailures}"] and return batchItemFailures from the handler.`);
        }
    },
});
