import type * as gcp from "@pulumi/gcp";
import type { Unwrap } from "@pulumi/pulumi";
import type { PolicyConfigSchema } from "@pulumi/policy";
import { integerSetting, resourcePolicy } from "../lib/policy";

/** Cloud Tasks' attempt count when a queue sets none. */
const cloudTasksDefaultMaxAttempts = 100;

interface RetryAttemptsConfig {
    minimumAttempts: number;
    maximumAttempts: number;
}

const retryAttemptsSchema: PolicyConfigSchema = {
    properties: {
        minimumAttempts: integerSetting("Fewest attempts per task. Cloud Tasks deletes a task after its last attempt, so too few lose delayed messages to a passing outage.", 5, 1),
        maximumAttempts: integerSetting("Most attempts per task. Unlimited (-1) retries a task whose target is gone for ever.", cloudTasksDefaultMaxAttempts, 1),
    },
};

/**
 * Cloud Tasks queues (delayed messages on Google Cloud) retry a bounded number of times: a failed
 * task is deleted after its last attempt, with no dead-letter queue, so the count must be large
 * enough to ride out an outage and finite so a task whose target is gone does not retry for ever.
 */
export const gcpCloudtasksQueueLimitRetryAttempts = resourcePolicy<Unwrap<gcp.cloudtasks.QueueArgs>, RetryAttemptsConfig>({
    name: "gcp-cloudtasks-queue-limit-retry-attempts",
    description: "Cloud Tasks queues retry a failed task a bounded number of times, enough to survive an outage (default 5-100).",
    enforcementLevel: "mandatory",
    types: ["gcp:cloudtasks/queue:Queue"],
    configSchema: retryAttemptsSchema,
    validate: (props, { args, config, report }) => {
        const attempts = props.retryConfig?.maxAttempts ?? cloudTasksDefaultMaxAttempts;
        const { minimumAttempts: min, maximumAttempts: max } = config;
        const fix = `Set retryConfig.maxAttempts between ${min} and ${max}.`;
        if (attempts === -1) {
            report(`Cloud Tasks queue "${args.name}" retries a failing task without limit (retryConfig.maxAttempts: -1). ${fix}`);
        } else if (attempts < min || attempts > max) {
            report(`Cloud Tasks queue "${args.name}" gives up on a task after ${attempts} attempts and deletes it; allowed: ${min} to ${max}. ${fix}`);
        }
    },
});
