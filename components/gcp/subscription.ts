import type * as pubsub from "@pulumi/gcp/pubsub";
import type * as pulumi from "@pulumi/pulumi";
import { type QueueSpec, deduplicationOf, secondsPerDay } from "../spec";

/** Push delivery to an HTTPS endpoint, authenticated with an OIDC token. */
export interface PushDelivery {
    /** HTTPS URL Pub/Sub posts each message to (a function's URL). */
    endpoint: pulumi.Input<string>;
    /** Service account whose OIDC token Pub/Sub attaches; the endpoint lets only it invoke. */
    serviceAccountEmail: pulumi.Input<string>;
    /** OIDC audience. @default the endpoint URL */
    audience?: pulumi.Input<string>;
}

/** Pub/Sub's own default backoff range, stated explicitly. */
export const defaultRetryBackoff = { minimumSeconds: 10, maximumSeconds: 600 };
/** Empty TTL: the subscription never expires (the default deletes idle ones after 31 days). */
export const neverExpire = { ttl: "" };
/** A Pub/Sub duration string. */
export const duration = (seconds: number) => `${seconds}s`;

/** What a consuming subscription of a queue is made from. */
export interface QueueSubscriptionSettings {
    /** The queue's validated spec: retention, delivery attempts, ordering and deduplication. */
    spec: QueueSpec;
    /** Physical subscription name. */
    name: string;
    /** `projects/<p>/topics/<t>` the subscription reads (the level's topic, or a fan-out topic). */
    topicId: pulumi.Input<string>;
    /** `projects/<p>/topics/<t>` failed messages go to after `spec.maxReceiveCount` attempts. */
    deadLetterTopicId: pulumi.Input<string>;
    /** Ack deadline in seconds (10-600; for push also the request timeout). */
    ackDeadlineSeconds: number;
    /** Deliver by push (function workers). @default pull */
    push?: PushDelivery;
    /** Retry backoff between redeliveries, seconds. @default defaultRetryBackoff */
    retryBackoff?: { minimumSeconds: number; maximumSeconds: number };
    /** Resource labels. */
    labels: Record<string, string>;
}

/**
 * The arguments of a subscription that feeds a queue's workers: ack deadline, retention, retry
 * backoff, dead-lettering after `maxReceiveCount`, ordering keys for `fifo`, exactly-once delivery
 * for deduplicated pull queues (Pub/Sub offers it on pull only), push when given, never expiring.
 * The level subscriptions of a queue and its fan-out subscriptions are all built here.
 */
export function queueSubscriptionArgs(s: QueueSubscriptionSettings): pubsub.SubscriptionArgs {
    const backoff = s.retryBackoff ?? defaultRetryBackoff;
    return {
        name: s.name,
        topic: s.topicId,
        ackDeadlineSeconds: s.ackDeadlineSeconds,
        messageRetentionDuration: duration(s.spec.retentionDays * secondsPerDay),
        retryPolicy: { minimumBackoff: duration(backoff.minimumSeconds), maximumBackoff: duration(backoff.maximumSeconds) },
        deadLetterPolicy: { deadLetterTopic: s.deadLetterTopicId, maxDeliveryAttempts: s.spec.maxReceiveCount },
        enableMessageOrdering: s.spec.ordering === "fifo",
        enableExactlyOnceDelivery: deduplicationOf(s.spec) !== undefined && s.push === undefined,
        expirationPolicy: neverExpire,
        pushConfig: s.push && {
            pushEndpoint: s.push.endpoint,
            oidcToken: { serviceAccountEmail: s.push.serviceAccountEmail, audience: s.push.audience ?? s.push.endpoint },
        },
        labels: s.labels,
    };
}
