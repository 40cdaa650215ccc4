/** The targets one spec deploys to. */
export const clouds = ["aws", "azure", "gcp", "local"] as const;
export type Cloud = (typeof clouds)[number];

export interface Range {
    min: number;
    max: number;
}

/** What each target can do; the spec's per-cloud rules read this table (see reference.md). */
export interface CloudLimits {
    /** Source queue retention, days. */
    retentionDays: Range;
    /** Longest dead-letter retention, days. */
    deadLetterRetentionDaysMax: number;
    /** Visibility timeout / lock duration / ack deadline, seconds. */
    visibilityTimeoutSeconds: Range;
    /** Why the visibility cap exists and what to do instead; ends an error line. */
    visibilityFix: string;
    /** Whether one processing attempt may outlast the visibility cap (true where locks are renewed). */
    renewsVisibility: boolean;
    /** Deliveries before dead-lettering. */
    maxReceiveCount: Range;
    /** Longest queue-level delivery delay, seconds (0: not supported). */
    deliveryDelayMaxSeconds: number;
    /**
     * Longest per-message delay the queue itself honours, seconds; longer `maxDelaySeconds` need a
     * scheduler (EventBridge Scheduler on aws, Cloud Tasks on gcp).
     */
    messageDelayNativeMaxSeconds: number;
    /**
     * Largest HTTP request the front end can take, KiB: aws 3,000 (API Gateway hands the body to
     * Lambda inside a JSON event, escaped, up to twice its size for JSON full of quotes, backslashes
     * and line breaks, or base64, 4/3; a synchronous invocation carries at most 6 MiB, so 2 x 3,000 KiB
     * plus the largest request line and headers fits: test/aws/invoke-payload.test.ts measures it),
     * azure 102,400 (Functions' 100 MB),
     * gcp 32,768 (Cloud Functions' 32 MB), local 102,400.
     */
    requestBodyMaxKb: number;
    /** Largest message, KiB. */
    maxMessageKb: number;
    /** Longest function invocation, seconds. */
    functionTimeoutMaxSeconds: number;
}

export const cloudLimits: Record<Cloud, CloudLimits> = {
    aws: {
        retentionDays: { min: 1, max: 14 },
        deadLetterRetentionDaysMax: 14,
        visibilityTimeoutSeconds: { min: 0, max: 43_200 },
        visibilityFix: "SQS visibility timeouts stop at 12 hours; split the work into smaller messages.",
        renewsVisibility: false,
        maxReceiveCount: { min: 1, max: 1000 },
        deliveryDelayMaxSeconds: 900,
        messageDelayNativeMaxSeconds: 900,
        requestBodyMaxKb: 3_000,
        maxMessageKb: 1024,
        functionTimeoutMaxSeconds: 900,
    },
    azure: {
        retentionDays: { min: 1, max: 365 },
        deadLetterRetentionDaysMax: 365,
        visibilityTimeoutSeconds: { min: 5, max: 300 },
        visibilityFix:
            "Service Bus locks last at most 5 minutes; the worker renews its lock for longer work, so lower it to 300 or less.",
        renewsVisibility: true,
        maxReceiveCount: { min: 1, max: 2000 },
        deliveryDelayMaxSeconds: 900,
        messageDelayNativeMaxSeconds: Number.POSITIVE_INFINITY,
        requestBodyMaxKb: 102_400,
        maxMessageKb: 256,
        functionTimeoutMaxSeconds: 600,
    },
    gcp: {
        retentionDays: { min: 1, max: 31 },
        deadLetterRetentionDaysMax: 31,
        visibilityTimeoutSeconds: { min: 10, max: 600 },
        visibilityFix: "Pub/Sub ack deadlines stop at 600 seconds; split the work into smaller messages.",
        renewsVisibility: false,
        maxReceiveCount: { min: 5, max: 100 },
        deliveryDelayMaxSeconds: 0,
        messageDelayNativeMaxSeconds: 0,
        requestBodyMaxKb: 32_768,
        maxMessageKb: 10_240,
        functionTimeoutMaxSeconds: 540,
    },
    local: {
        retentionDays: { min: 1, max: 365 },
        deadLetterRetentionDaysMax: 365,
        visibilityTimeoutSeconds: { min: 0, max: 43_200 },
        visibilityFix: "Split the work into smaller messages.",
        renewsVisibility: true,
        maxReceiveCount: { min: 1, max: 1000 },
        deliveryDelayMaxSeconds: 900,
        messageDelayNativeMaxSeconds: Number.POSITIVE_INFINITY,
        requestBodyMaxKb: 102_400,
        maxMessageKb: 10_240,
        functionTimeoutMaxSeconds: 3600,
    },
};
