import { type MessageAttributeValue, PublishCommand, type SNSClient } from "@aws-sdk/client-sns";
import type { FrontEndTopic } from "./front-end-config";
import { type Outgoing, messageAttributes } from "./enqueue";

/** Largest SNS message, bytes (bodies and attributes); larger bodies are claim-checked. */
export const snsMaxMessageBytes = 256 * 1024;

/**
 * Publishes each message to a fan-out topic, in order (a FIFO topic keeps each group's order), with
 * the same attributes a queued message carries; with raw delivery each subscriber queue receives
 * the body and the attributes as they are. Returns SNS's message ids.
 */
export async function publish(sns: SNSClient, topic: FrontEndTopic, messages: Outgoing[], now: Date): Promise<string[]> {
    const ids: string[] = [];
    for (const { body, routing, traceContext } of messages) {
        const attributes: Record<string, MessageAttributeValue> = messageAttributes(routing, now, undefined, traceContext);
        const { MessageId } = await sns.send(
            new PublishCommand({
                TopicArn: topic.arn,
                Message: body,
                MessageAttributes: attributes,
                ...(routing.groupKey ? { MessageGroupId: routing.groupKey } : {}),
                ...(routing.deduplicationId ? { MessageDeduplicationId: routing.deduplicationId } : {}),
            }),
        );
        ids.push(MessageId ?? "");
    }
    return ids;
}
