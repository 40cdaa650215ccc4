import { type Cloud, cloudLimits } from "./clouds";
import { deduplicationOf, longestAttemptSeconds, secondsPerDay, workerTimeoutSeconds } from "./derive";
import { type SpecIssue, type SpecPath, suggestion } from "./issues";
import type { Spec } from "./schema";
import { frontEndAccessRules } from "./front-end-access-rules";
import { gcpRules } from "./gcp-rules";
import { patternRules } from "./pattern-rules";
import { tracingRule } from "./tracing-schema";

/** A rule over a structurally valid spec: returns its problems (empty when it holds). */
type Rule = (spec: Spec, cloud: Cloud) => SpecIssue[];

const issue = (path: SpecPath, rule: string, received: unknown, fix: string): SpecIssue => ({ path, rule, received, fix });

function duplicates(items: readonly { name: string }[], what: string, root: string): SpecIssue[] {
    return items.flatMap((item, index) =>
        items.findIndex((other) => other.name === item.name) < index
            ? [issue([root, index, "name"], `repeats the ${what} name "${item.name}"`, item.name, `Give each ${what} its own name.`)]
            : [],
    );
}

const uniqueNames: Rule = (spec) => [...duplicates(spec.queues, "queue", "queues"), ...duplicates(spec.workers, "worker", "workers")];

const workerQueueExists: Rule = (spec) =>
    spec.workers.flatMap((w, i) =>
        spec.queues.some((q) => q.name === w.queue)
            ? []
            : [issue(["workers", i, "queue"], "must name a queue in queues", w.queue, suggestion(w.queue, spec.queues.map((q) => q.name), "queues"))],
    );

const deadLetterOutlivesQueue: Rule = (spec) =>
    spec.queues.flatMap((q, i) =>
        q.deadLetter.retentionDays > q.retentionDays
            ? []
            : [
                  issue(
                      ["queues", i, "deadLetter", "retentionDays"],
                      `must be longer than the queue's retentionDays (${q.retentionDays})`,
                      q.deadLetter.retentionDays,
                      "Raise it, or lower the queue's retentionDays, so dead letters are not dropped before anyone sees them.",
                  ),
              ],
    );

function within(path: SpecPath, value: number, min: number, max: number, cloud: Cloud, unit: string, fix?: string): SpecIssue[] {
    if (value < min) return [issue(path, `must be at least ${min} on ${cloud}`, value, fix ?? `Raise it to ${min}${unit} or more.`)];
    if (value > max) return [issue(path, `must be at most ${max} on ${cloud}`, value, fix ?? `Lower it to ${max}${unit} or less.`)];
    return [];
}

const queueCloudLimits: Rule = (spec, cloud) => {
    const limits = cloudLimits[cloud];
    return spec.queues.flatMap((q, i) => {
        const at = (...rest: string[]) => ["queues", i, ...rest];
        const visibility = limits.visibilityTimeoutSeconds;
        return [
            ...within(at("retentionDays"), q.retentionDays, limits.retentionDays.min, limits.retentionDays.max, cloud, " days"),
            ...within(at("deadLetter", "retentionDays"), q.deadLetter.retentionDays, 1, limits.deadLetterRetentionDaysMax, cloud, " days"),
            ...within(at("maxReceiveCount"), q.maxReceiveCount, limits.maxReceiveCount.min, limits.maxReceiveCount.max, cloud, ""),
            ...within(at("deliveryDelaySeconds"), q.deliveryDelaySeconds, 0, limits.deliveryDelayMaxSeconds, cloud, " seconds",
                limits.deliveryDelayMaxSeconds === 0 ? `${cloud} has no queue-level delay; set it to 0.` : undefined),
            ...within(at("maxMessageKb"), q.maxMessageKb, 1, limits.maxMessageKb, cloud, " KiB"),
            ...(q.visibilityTimeoutSeconds === undefined
                ? []
                : within(at("visibilityTimeoutSeconds"), q.visibilityTimeoutSeconds, visibility.min, visibility.max, cloud, " seconds",
                      q.visibilityTimeoutSeconds > visibility.max ? limits.visibilityFix : undefined)),
            ...(limits.renewsVisibility
                ? []
                : within(at("processingTimeSeconds"), q.processingTimeSeconds, 1, visibility.max, cloud, " seconds", limits.visibilityFix)),
        ];
    });
};

const frontEndLimits: Rule = (spec, cloud) =>
    within(["frontEnd", "maxBodyKb"], spec.frontEnd.maxBodyKb, 1, cloudLimits[cloud].requestBodyMaxKb, cloud, " KiB");

const visibilityCoversAttempt: Rule = (spec) =>
    spec.queues.flatMap((q, i) => {
        const longest = longestAttemptSeconds(spec, q);
        return q.visibilityTimeoutSeconds === undefined || q.visibilityTimeoutSeconds >= longest
            ? []
            : [
                  issue(["queues", i, "visibilityTimeoutSeconds"], `must be at least the longest attempt on this queue (${longest} s)`,
                      q.visibilityTimeoutSeconds, "Raise it, or remove it to use the derived value, so messages are not delivered twice while still in work."),
              ];
    });

const retentionOutlivesAgeAlarm: Rule = (spec) =>
    spec.queues.flatMap((q, i) =>
        spec.alarms.oldestMessageAgeSeconds < q.retentionDays * secondsPerDay
            ? []
            : [issue(["alarms", "oldestMessageAgeSeconds"], `must be shorter than queues[${i}].retentionDays (${q.retentionDays * secondsPerDay} s)`,
                  spec.alarms.oldestMessageAgeSeconds, "Lower it so the backlog alarm fires before messages expire.")],
    );

const workerLimits: Rule = (spec, cloud) =>
    spec.workers.flatMap((w, i) => {
        const queue = spec.queues.find((q) => q.name === w.queue);
        if (!queue) return [];
        const at = (...rest: string[]) => ["workers", i, ...rest];
        const timeout = workerTimeoutSeconds(spec, w);
        const problems: SpecIssue[] = [];
        if (timeout < queue.processingTimeSeconds) {
            problems.push(issue(at("timeoutSeconds"), `must be at least queue "${queue.name}" processingTimeSeconds (${queue.processingTimeSeconds})`,
                timeout, "Raise it, or lower the queue's processingTimeSeconds."));
        }
        if (w.kind === "function") {
            problems.push(...within(at("timeoutSeconds"), timeout, 1, cloudLimits[cloud].functionTimeoutMaxSeconds, cloud, " seconds",
                `Functions on ${cloud} stop after ${cloudLimits[cloud].functionTimeoutMaxSeconds} s; lower it or use kind: vm.`));
        }
        if (w.scaling.min > w.scaling.max) {
            problems.push(issue(at("scaling", "min"), `must not exceed scaling.max (${w.scaling.max})`, w.scaling.min, "Lower min or raise max."));
        }
        return problems;
    });

/** SQS and Lambda event source mapping rules. */
const awsRules: Rule = (spec, cloud) => {
    if (cloud !== "aws") return [];
    const problems: SpecIssue[] = [];
    spec.queues.forEach((q, i) => {
        if (q.deduplication && q.ordering !== "fifo") {
            problems.push(issue(["queues", i, "deduplication"], "needs ordering: fifo on aws (SQS deduplicates FIFO queues only)",
                q.deduplication, "Set ordering: fifo, or remove deduplication and rely on the idempotency guard."));
        }
    });
    spec.workers.forEach((w, i) => {
        const queue = spec.queues.find((q) => q.name === w.queue);
        if (w.kind !== "function" || !queue) return;
        const at = (...rest: string[]) => ["workers", i, ...rest];
        if (queue.ordering === "fifo" && w.batchSize > 10) {
            problems.push(issue(at("batchSize"), "must be at most 10 for a FIFO queue on aws", w.batchSize, "Lower it to 10 or less."));
        } else if (w.batchSize > 10 && w.batchWindowSeconds < 1) {
            problems.push(issue(at("batchWindowSeconds"), "must be at least 1 when batchSize is over 10 on aws", w.batchWindowSeconds,
                "Set batchWindowSeconds to 1 or more, or lower batchSize to 10."));
        }
        // https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html: "Batching window is not supported for FIFO queues".
        if (queue.ordering === "fifo" && w.batchWindowSeconds > 0) {
            problems.push(issue(at("batchWindowSeconds"), "must be 0 for a FIFO queue on aws (Lambda takes no batching window from FIFO queues)", w.batchWindowSeconds,
                "Set batchWindowSeconds to 0, or consume an ordering: none queue."));
        }
        if (w.concurrency < 2) {
            problems.push(issue(at("concurrency"), "must be at least 2 for function workers on aws", w.concurrency,
                "Raise it to 2 or more (the SQS event source mapping's minimum)."));
        }
    });
    return problems;
};

/** Service Bus tier rules: Basic namespaces have no sessions, duplicate detection or topics. */
const azureRules: Rule = (spec, cloud) => {
    if (cloud !== "azure" || spec.azure.serviceBusTier !== "basic") return [];
    const needs = spec.queues.flatMap((q) => {
        const features = [q.ordering === "fifo" ? "sessions (ordering: fifo)" : "", deduplicationOf(q) ? "duplicate detection (deduplication)" : ""]
            .filter(Boolean);
        return features.length ? [`queue "${q.name}" needs ${features.join(" and ")}`] : [];
    });
    const tier = needs.length
        ? [issue(["azure", "serviceBusTier"], `must be standard or premium: ${needs.join("; ")}`, spec.azure.serviceBusTier,
              "Set azure.serviceBusTier to standard (Basic has no sessions, duplicate detection or topics), or drop ordering and deduplication from those queues.")]
        : [];
    const retention = spec.queues.flatMap((q, i) =>
        q.retentionDays > basicTierRetentionDaysMax
            ? [issue(["queues", i, "retentionDays"], `must be at most ${basicTierRetentionDaysMax} on the Basic Service Bus tier`, q.retentionDays,
                  `Lower it to ${basicTierRetentionDaysMax} days or less, or set azure.serviceBusTier to standard.`)]
            : [],
    );
    return [...tier, ...retention];
};

/** Longest message time-to-live a Basic namespace accepts, days. */
const basicTierRetentionDaysMax = 14;

/** Every rule that needs more than one field or the target cloud. */
export const specRules: readonly Rule[] = [
    uniqueNames,
    workerQueueExists,
    deadLetterOutlivesQueue,
    queueCloudLimits,
    frontEndLimits,
    frontEndAccessRules,
    visibilityCoversAttempt,
    retentionOutlivesAgeAlarm,
    workerLimits,
    awsRules,
    azureRules,
    gcpRules,
    patternRules,
    (spec, cloud) => tracingRule(spec.tracing, cloud),
];

