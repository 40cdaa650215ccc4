import type { PolicyResource } from "@pulumi/policy";
import { snsTopicSubscriptionType } from "../lib/aws";
import { allowsDelivery, queuePolicyDocuments } from "../lib/aws-access";
import { type SqsQueue, sqsQueues } from "../lib/aws-stack";
import { stackPolicy } from "../lib/policy";
import { ofType, text } from "../lib/stack";

/** A service that delivers into a queue, and the resource it delivers for. */
interface Delivery {
    via: PolicyResource;
    service: "sns.amazonaws.com" | "events.amazonaws.com";
    sourceArn: string;
    queue: SqsQueue;
}

/** SNS subscriptions (protocol sqs) and EventBridge targets whose endpoint is a queue in the stack. */
function deliveries(resources: readonly PolicyResource[], queues: readonly SqsQueue[]): Delivery[] {
    const queueAt = (arn: unknown) => queues.find((q) => text(arn) !== undefined && q.resource.props.arn === arn);
    const rules = ofType(resources, "aws:cloudwatch/eventRule:EventRule");
    const fromSns = ofType(resources, snsTopicSubscriptionType).flatMap((subscription) => {
        const queue = subscription.props.protocol === "sqs" ? queueAt(subscription.props.endpoint) : undefined;
        const topic = text(subscription.props.topic);
        return queue && topic ? [{ via: subscription, service: "sns.amazonaws.com" as const, sourceArn: topic, queue }] : [];
    });
    const fromEvents = ofType(resources, "aws:cloudwatch/eventTarget:EventTarget").flatMap((target) => {
        const queue = queueAt(target.props.arn);
        const rule = rules.find((r) => [r.props.name, r.props.id, r.props.arn].includes(target.props.rule) && (r.props.eventBusName ?? "default") === (target.props.eventBusName ?? "default"));
        const ruleArn = text(rule?.props.arn);
        return queue && ruleArn ? [{ via: target, service: "events.amazonaws.com" as const, sourceArn: ruleArn, queue }] : [];
    });
    return [...fromSns, ...fromEvents];
}

/**
 * A queue that an SNS topic or EventBridge rule delivers into has an access policy letting that
 * service `sqs:SendMessage` to it for that source. Without one SNS and EventBridge are refused
 * and nothing is ever delivered: SNS drops the messages (or dead-letters them), EventBridge counts
 * failed invocations. (https://docs.aws.amazon.com/sns/latest/dg/subscribe-sqs-queue-to-sns-topic.html,
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sqs-permissions)
 */
export const awsSqsQueueRequireSenderPermission = stackPolicy({
    name: "aws-sqs-queue-require-sender-permission",
    description: "SQS queues fed by an SNS topic or an EventBridge rule let that service send to them (otherwise nothing is delivered).",
    enforcementLevel: "mandatory",
    validate: ({ args, report }) => {
        const all = deliveries(args.resources, sqsQueues(args.resources));
        if (all.length === 0) return args.notApplicable("No SNS subscription or EventBridge target delivers into an SQS queue in this stack");
        for (const { via, service, sourceArn, queue } of all) {
            const queueArn = String(queue.resource.props.arn);
            if (queuePolicyDocuments(args.resources, queue.resource).some((d) => allowsDelivery(d, service, "sqs:SendMessage", queueArn, sourceArn))) continue;
            const source = service === "sns.amazonaws.com" ? `SNS topic ${sourceArn}` : `EventBridge rule ${sourceArn}`;
            report(
                `SQS queue "${queue.resource.name}" is fed by ${source} (through "${via.name}"), but no queue policy lets ${service} send to it, so nothing is delivered. ` +
                    `Add an aws.sqs.QueuePolicy statement: {"Effect": "Allow", "Principal": {"Service": "${service}"}, "Action": "sqs:SendMessage", "Resource": "${queueArn}", "Condition": {"ArnEquals": {"aws:SourceArn": "${sourceArn}"}}}.`,
                queue.resource.urn,
            );
        }
    },
});
