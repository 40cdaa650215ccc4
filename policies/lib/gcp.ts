/** Facts about Google Cloud resources shared by the GCP policies. */

export const pubsubSubscriptionType = "gcp:pubsub/subscription:Subscription";
export const pubsubTopicType = "gcp:pubsub/topic:Topic";
export const storageBucketType = "gcp:storage/bucket:Bucket";

/** Pub/Sub defaults when a property is not set. */
export const pubsubDefaults = { messageRetentionSeconds: 604_800, maxDeliveryAttempts: 5, ackDeadlineSeconds: 10, maxAckDeadlineSeconds: 600 };

/** Seconds in a protobuf duration string ("604800s", "1.5s"); undefined when unreadable. */
export function durationSeconds(duration: string): number | undefined {
    const match = /^(\d+(?:\.\d+)?)s$/.exec(duration);
    return match ? Number(match[1]) : undefined;
}

/** The topic's short name from `projects/p/topics/name`, a topic id, or a bare name. */
export function topicNameOf(topic: string): string {
    return topic.split("/").pop() ?? topic;
}

/** Cloud Functions resource types: 2nd gen (`buildConfig`, `serviceConfig`) and 1st gen (flat). */
export const cloudFunctionGen2Type = "gcp:cloudfunctionsv2/function:Function";
export const cloudFunctionGen1Type = "gcp:cloudfunctions/function:Function";
