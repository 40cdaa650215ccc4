import { sqsConsumers, sqsQueues } from "../lib/aws-stack";
import { integerSetting, stackPolicy } from "../lib/policy";

/** Config: the fewest receives before dead-lettering on a queue a Lambda function consumes. */
interface LambdaReceivesConfig {
    minimumReceiveCount: number;
}

/**
 * A queue that a Lambda function consumes dead-letters after at least `minimumReceiveCount`
 * receives (default 5, AWS's advice: "Verify that the maxReceiveCount attribute is set to at least
 * five on your source queue's redrive policy",
 * https://aws.amazon.com/premiumsupport/knowledge-center/lambda-retrying-valid-sqs-messages/).
 * Lambda's pollers receive messages they cannot hand to a throttled function; each such receive
 * counts, so with fewer, throttling alone dead-letters healthy messages.
 */
export const awsSqsQueueLimitLambdaMaxReceiveCount = stackPolicy<LambdaReceivesConfig>({
    name: "aws-sqs-queue-limit-lambda-max-receive-count",
    description: "SQS queues consumed by Lambda dead-letter after at least 5 receives, so throttling alone does not dead-letter healthy messages.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { minimumReceiveCount: integerSetting("Fewest receives before a queue consumed by Lambda dead-letters a message.", 5, 1) } },
    validate: ({ args, config, report }) => {
        const consumed = sqsConsumers(args.resources, sqsQueues(args.resources)).filter((c) => c.kind === "Lambda function");
        if (consumed.length === 0) return args.notApplicable("No Lambda function consumes an SQS queue in this stack");
        const seen = new Set<string>();
        for (const { queue, resource } of consumed) {
            const count = queue.redrive?.maxReceiveCount;
            if (count === undefined || !Number.isFinite(count) || count >= config.minimumReceiveCount || seen.has(queue.resource.urn)) continue;
            seen.add(queue.resource.urn);
            report(
                `SQS queue "${queue.resource.name}" dead-letters after ${count} receive${count === 1 ? "" : "s"}, but Lambda function "${resource.name}" consumes it: receives while the function is throttled count too, so healthy messages reach the dead-letter queue. ` +
                    `Set maxReceiveCount in its redrivePolicy to at least ${config.minimumReceiveCount}.`,
                queue.resource.urn,
            );
        }
    },
});
