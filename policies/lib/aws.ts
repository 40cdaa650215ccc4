/** Facts about AWS resources shared by the AWS policies. */

export const sqsQueueType = "aws:sqs/queue:Queue";
export const sqsRedrivePolicyType = "aws:sqs/redrivePolicy:RedrivePolicy";
export const sqsQueuePolicyType = "aws:sqs/queuePolicy:QueuePolicy";
export const snsTopicSubscriptionType = "aws:sns/topicSubscription:TopicSubscription";

/** SQS defaults when a property is not set (see the SQS CreateQueue reference). */
export const sqsDefaults = { messageRetentionSeconds: 345_600, visibilityTimeoutSeconds: 30, maxVisibilityTimeoutSeconds: 43_200 };

/** Lambda's default function timeout, seconds. */
export const lambdaDefaultTimeoutSeconds = 3;

/** The parts of an SQS redrive policy the pack reads. */
export interface Redrive {
    deadLetterTargetArn?: string;
    maxReceiveCount?: number;
}

/** Parses a JSON document property (redrive policies, IAM policies); undefined when it is not JSON. */
export function parseJson(text: unknown): unknown {
    if (typeof text !== "string") return typeof text === "object" && text !== null ? text : undefined;
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
}

/** The redrive policy set on a queue or RedrivePolicy resource, "invalid" when it is not JSON. */
export function redriveOf(redrivePolicy: unknown): Redrive | "invalid" | undefined {
    if (redrivePolicy === undefined || redrivePolicy === null || redrivePolicy === "") return undefined;
    const parsed = parseJson(redrivePolicy) as Record<string, unknown> | undefined;
    if (!parsed || typeof parsed !== "object") return "invalid";
    const count = parsed.maxReceiveCount;
    return {
        deadLetterTargetArn: typeof parsed.deadLetterTargetArn === "string" ? parsed.deadLetterTargetArn : undefined,
        maxReceiveCount: count === undefined ? undefined : Number(count),
    };
}

/** The last segment of an ARN or queue URL: the queue name. */
export function queueNameOf(arnOrUrl: string): string {
    return arnOrUrl.split(/[:/]/).pop() ?? arnOrUrl;
}
