/**
 * Telemetry the Azure worker adapters report to Application Insights, which alarms and the
 * workbook read. Service Bus has no platform metric for the age of the oldest message, so the
 * receivers report each message's age (now - enqueuedTime) when they take it.
 */
export const workerTelemetry = {
    /** Custom metric: seconds a message waited in the queue before a worker took it. */
    messageAgeMetric: "QueueMessageAgeSeconds",
    /** Dimension of `messageAgeMetric` holding the spec's queue name. */
    queueDimension: "queue",
} as const;
