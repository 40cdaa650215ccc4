import * as pulumi from "@pulumi/pulumi";

/** Pub/Sub subscription metrics used by alerts, the dashboard and the autoscaler. */
export const pubsubMetrics = {
    /** Messages not yet acknowledged (backlog). GAUGE. */
    undelivered: "pubsub.googleapis.com/subscription/num_undelivered_messages",
    /** Age of the oldest unacknowledged message, seconds. GAUGE. */
    oldestUnackedAge: "pubsub.googleapis.com/subscription/oldest_unacked_message_age",
    /** Messages forwarded to the dead-letter topic, on the source subscription. DELTA. */
    deadLettered: "pubsub.googleapis.com/subscription/dead_letter_message_count",
    /** Push deliveries sent and not yet acknowledged (in flight). GAUGE. */
    outstanding: "pubsub.googleapis.com/subscription/num_outstanding_messages",
    /** Time from delivery to acknowledgement (processing time), distribution. DELTA. */
    ackLatency: "pubsub.googleapis.com/subscription/ack_latencies",
} as const;

/** Cloud Run request count, which Cloud Functions (2nd gen) report per service. DELTA. */
export const functionRequestMetric = "run.googleapis.com/request_count";

/** Monitoring filter for one metric of one subscription. */
export function subscriptionFilter(metric: string, subscriptionName: pulumi.Input<string>): pulumi.Output<string> {
    return pulumi.interpolate`metric.type="${metric}" AND resource.type="pubsub_subscription" AND resource.label.subscription_id="${subscriptionName}"`;
}

/** Monitoring filter for a function's failed requests (5xx: errors and nacked deliveries). */
export function functionErrorsFilter(functionName: pulumi.Input<string>): pulumi.Output<string> {
    return pulumi.interpolate`metric.type="${functionRequestMetric}" AND resource.type="cloud_run_revision" AND resource.label.service_name="${functionName}" AND metric.label.response_code_class="5xx"`;
}
