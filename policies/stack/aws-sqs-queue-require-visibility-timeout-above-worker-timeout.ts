import { sqsDefaults } from "../lib/aws";
import { sqsConsumers, sqsQueues } from "../lib/aws-stack";
import { stackPolicy } from "../lib/policy";
import { requiredVisibilitySeconds, type VisibilityConfig, visibilitySchema } from "../lib/settings";

/**
 * A queue's visibility timeout is at least `timeoutMultiple` (default 6, AWS's guidance) times the
 * timeout of each Lambda function consuming it, capped at SQS's 12-hour maximum. Shorter, and a
 * message reappears while its first delivery is still running: processed twice, or dead-lettered early.
 */
export const awsSqsQueueRequireVisibilityTimeoutAboveWorkerTimeout = stackPolicy<VisibilityConfig>({
    name: "aws-sqs-queue-require-visibility-timeout-above-worker-timeout",
    description: "SQS visibility timeouts outlast the functions consuming them (default 6 x the function timeout).",
    enforcementLevel: "mandatory",
    configSchema: visibilitySchema,
    validate: ({ args, config, report }) => {
        const consumers = sqsConsumers(args.resources, sqsQueues(args.resources)).filter((c) => c.timeoutSeconds !== undefined);
        if (consumers.length === 0) return args.notApplicable("No Lambda function consumes an SQS queue in this stack");
        for (const { queue, resource, timeoutSeconds = 0 } of consumers) {
            const required = requiredVisibilitySeconds(timeoutSeconds, config.timeoutMultiple, sqsDefaults.maxVisibilityTimeoutSeconds);
            if (queue.visibilitySeconds >= required) continue;
            report(
                `SQS queue "${queue.resource.name}" has a visibility timeout of ${queue.visibilitySeconds} s, below ${config.timeoutMultiple} x the ${timeoutSeconds} s timeout of Lambda function "${resource.name}" that consumes it. ` +
                    `Set visibilityTimeoutSeconds to at least ${required}.`,
                queue.resource.urn,
            );
        }
    },
});
