import { redriveOf, snsTopicSubscriptionType } from "../lib/aws";
import { allowsServiceFromSource, queuePolicyDocuments } from "../lib/aws-access";
import { sqsQueues } from "../lib/aws-stack";
import { stackPolicy } from "../lib/policy";
import { ofType, text } from "../lib/stack";

/**
 * Every SNS subscription that feeds an SQS queue has a redrive policy: when SNS cannot deliver
 * (the queue is gone, its policy or key refuses SNS) it retries and then drops the message unless a
 * dead-letter queue is set. The dead-letter queue, when it is in the stack, must let SNS send to it
 * for this topic, or the redrive fails as well.
 */
export const awsSnsTopicSubscriptionRequireDeadLetterQueue = stackPolicy({
    name: "aws-sns-topic-subscription-require-dead-letter-queue",
    description: "Every SNS subscription to an SQS queue dead-letters messages SNS cannot deliver, into a queue SNS may send to.",
    enforcementLevel: "mandatory",
    validate: ({ args, report }) => {
        const subscriptions = ofType(args.resources, snsTopicSubscriptionType).filter((s) => s.props.protocol === "sqs");
        if (subscriptions.length === 0) return args.notApplicable("No SNS subscriptions to SQS queues");
        const queues = sqsQueues(args.resources);
        for (const subscription of subscriptions) {
            const redrive = redriveOf(subscription.props.redrivePolicy);
            const target = redrive === "invalid" ? undefined : redrive?.deadLetterTargetArn;
            if (!target) {
                report(
                    `SNS subscription "${subscription.name}" drops messages it cannot deliver to ${subscription.props.endpoint}. ` +
                        `Set redrivePolicy: {"deadLetterTargetArn": <the queue's dead-letter queue ARN>}.`,
                    subscription.urn,
                );
                continue;
            }
            const deadLetter = queues.find((q) => q.resource.props.arn === target);
            const topic = text(subscription.props.topic);
            if (!deadLetter || !topic) continue;
            const documents = queuePolicyDocuments(args.resources, deadLetter.resource);
            if (documents.some((d) => allowsServiceFromSource(d, "sns.amazonaws.com", "sqs:SendMessage", target, topic))) continue;
            report(
                `SNS subscription "${subscription.name}" dead-letters into SQS queue "${deadLetter.resource.name}", whose policy does not let SNS send for topic ${topic}, so the redrive fails too. ` +
                    `Add an aws.sqs.QueuePolicy statement: {"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage", "Resource": "${target}", "Condition": {"ArnEquals": {"aws:SourceArn": "${topic}"}}}.`,
                subscription.urn,
            );
        }
    },
});
