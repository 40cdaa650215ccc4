import type * as aws from "@pulumi/aws";
import type { Unwrap } from "@pulumi/pulumi";
import { snsTopicSubscriptionType } from "../lib/aws";
import { resourcePolicy } from "../lib/policy";

/**
 * SNS subscriptions that feed SQS queues deliver the published body as it is. Without raw
 * delivery every message arrives wrapped in SNS's JSON envelope, so a worker written for messages
 * sent straight to the queue parses the wrong body, and the envelope counts against the queue's
 * message size.
 */
export const awsSnsTopicSubscriptionRequireRawMessageDelivery = resourcePolicy<Unwrap<aws.sns.TopicSubscriptionArgs>>({
    name: "aws-sns-topic-subscription-require-raw-message-delivery",
    description: "SNS subscriptions to SQS queues deliver raw messages, so workers see the body that was published.",
    enforcementLevel: "advisory",
    types: [snsTopicSubscriptionType],
    validate: (props, { args, report }) => {
        if (props.protocol !== "sqs") return args.notApplicable("Not an SQS subscription");
        if (props.rawMessageDelivery !== true) {
            report(`SNS subscription "${args.name}" wraps every message in the SNS JSON envelope before it reaches queue ${props.endpoint ?? "(no endpoint)"}. Set rawMessageDelivery: true.`);
        }
    },
});
