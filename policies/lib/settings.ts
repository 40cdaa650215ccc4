import type { PolicyConfigSchema } from "@pulumi/policy";
import { integerSetting } from "./policy";

export const secondsPerDay = 86_400;

/** Config of the delivery-attempt policies (one per cloud). */
export interface DeliveryAttemptsConfig {
    minimumDeliveryAttempts: number;
    maximumDeliveryAttempts: number;
}

export const deliveryAttemptsSchema: PolicyConfigSchema = {
    properties: {
        minimumDeliveryAttempts: integerSetting(
            "Fewest deliveries before a message is dead-lettered. Too few send messages that failed on a passing glitch (throttling, a deploy) to the dead-letter queue.",
            3,
            1,
        ),
        maximumDeliveryAttempts: integerSetting(
            "Most deliveries before a message is dead-lettered. Too many keep a poison message cycling and delay the alarm.",
            10,
            1,
        ),
    },
};

/** Config of the retention policies (one per cloud). */
export interface RetentionConfig {
    minimumRetentionDays: number;
    maximumRetentionDays: number;
}

export const retentionSchema: PolicyConfigSchema = {
    properties: {
        minimumRetentionDays: integerSetting("Shortest time an unprocessed message may be kept, in days. Shorter loses messages over a long weekend outage.", 1, 1),
        maximumRetentionDays: integerSetting("Longest time an unprocessed message may be kept, in days. Longer hides a dead consumer behind a growing backlog.", 14, 1),
    },
};

/** Config of the visibility policies (one per cloud). */
export interface VisibilityConfig {
    timeoutMultiple: number;
}

export const visibilitySchema: PolicyConfigSchema = {
    properties: {
        timeoutMultiple: integerSetting(
            "The visibility timeout / ack deadline must be at least this many times the consuming worker's timeout (capped at the cloud's maximum, and never below the timeout itself).",
            6,
            1,
        ),
    },
};

/** The smallest compliant visibility for a worker timeout: multiple x timeout, capped at the cloud's maximum, never below the timeout. */
export function requiredVisibilitySeconds(timeoutSeconds: number, multiple: number, cloudMaximumSeconds: number): number {
    return Math.max(timeoutSeconds, Math.min(multiple * timeoutSeconds, cloudMaximumSeconds));
}

/** True when value lies outside [minimum, maximum]. */
export function outsideRange(value: number, minimum: number, maximum: number): boolean {
    return value < minimum || value > maximum;
}

/** A duration in the largest whole unit: "4 days", "12 hours", "90 seconds". */
export function formatSeconds(seconds: number): string {
    const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
    if (seconds > 0 && seconds % secondsPerDay === 0) return unit(seconds / secondsPerDay, "day");
    if (seconds > 0 && seconds % 3600 === 0) return unit(seconds / 3600, "hour");
    if (seconds > 0 && seconds % 60 === 0) return unit(seconds / 60, "minute");
    return unit(seconds, "second");
}
