import type * as aws from "@pulumi/aws";
import type { Unwrap } from "@pulumi/pulumi";
import { resourcePolicy } from "../lib/policy";

/**
 * Lambda event source mappings on FIFO queues set no batching window: "Batching window is not
 * supported for FIFO queues" (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html),
 * so a `maximumBatchingWindowInSeconds` above 0 fails the deploy. 0, Lambda's default, is accepted.
 */
export const awsLambdaEventSourceMappingLimitFifoBatchingWindow = resourcePolicy<Unwrap<aws.lambda.EventSourceMappingArgs>>({
    name: "aws-lambda-event-source-mapping-limit-fifo-batching-window",
    description: "Lambda event source mappings on FIFO SQS queues set no batching window (Lambda refuses one).",
    enforcementLevel: "mandatory",
    types: ["aws:lambda/eventSourceMapping:EventSourceMapping"],
    validate: (props, { args, report }) => {
        const source = String(props.eventSourceArn ?? "");
        if (!/^arn:aws[a-z-]*:sqs:.*\.fifo$/.test(source)) return args.notApplicable("Not a FIFO SQS event source");
        const window = props.maximumBatchingWindowInSeconds ?? 0;
        if (window > 0) {
            report(`Lambda event source mapping "${args.name}" sets maximumBatchingWindowInSeconds ${window} on FIFO queue ${source}, which Lambda refuses: batching windows are not supported for FIFO queues, so deploying it fails. Remove maximumBatchingWindowInSeconds (or set 0).`);
        }
    },
});
