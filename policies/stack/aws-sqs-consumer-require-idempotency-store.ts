import { roleAllows } from "../lib/aws-iam";
import { type SqsConsumer, sqsConsumers, sqsQueues } from "../lib/aws-stack";
import { idempotencyStoreKey } from "../lib/declarations";
import { stackPolicy } from "../lib/policy";
import { ofType } from "../lib/stack";

/**
 * SQS delivers at least once, so every consumer (Lambda function behind an event source mapping,
 * Auto Scaling group scaling on a queue) declares an idempotency store under
 * `QUEUESTACK_IDEMPOTENCY_STORE` (see policies/lib/declarations.ts), and that store is a DynamoDB
 * table in the stack, with TTL, that the consumer's IAM role may `dynamodb:PutItem`.
 */
export const awsSqsConsumerRequireIdempotencyStore = stackPolicy({
    name: "aws-sqs-consumer-require-idempotency-store",
    description: "Every SQS consumer writes an idempotency record (a DynamoDB table with TTL it may write), so a redelivered message has no second effect.",
    enforcementLevel: "mandatory",
    validate: ({ args, report }) => {
        const consumers = sqsConsumers(args.resources, sqsQueues(args.resources));
        if (consumers.length === 0) return args.notApplicable("No SQS consumers in this stack");
        const seen = new Set<string>();
        for (const consumer of consumers) {
            if (seen.has(consumer.resource.urn)) continue;
            seen.add(consumer.resource.urn);
            const problem = storeProblem(args.resources, consumer);
            if (problem) report(problem, consumer.resource.urn);
        }
    },
});

function storeProblem(resources: Parameters<typeof ofType>[0], consumer: SqsConsumer): string | undefined {
    const who = `${consumer.kind} "${consumer.resource.name}"`;
    const where = consumer.kind === "Lambda function" ? "the environment variable" : "the tag";
    const store = consumer.declaredStore;
    if (!store) {
        return `${who} consumes SQS queue "${consumer.queue.resource.name}" (at-least-once delivery) but declares no idempotency store. ` +
            `Set ${where} ${idempotencyStoreKey} to a DynamoDB table with TTL that it may write, and guard the handler with it.`;
    }
    const table = ofType(resources, "aws:dynamodb/table:Table").find((t) => t.props.name === store);
    if (!table) {
        return `${who} declares idempotency store "${store}", but no DynamoDB table named "${store}" is in this stack. Create it with ttl enabled, or correct ${idempotencyStoreKey}.`;
    }
    if (table.props.ttl?.enabled !== true || !table.props.ttl?.attributeName) {
        return `DynamoDB table "${table.name}", the idempotency store of ${who}, never expires its records. Set ttl: { enabled: true, attributeName: "expiresAt" }.`;
    }
    if (!consumer.role) {
        return `${who} declares idempotency store "${store}", but its IAM role is not in this stack, so its write access cannot be verified. Define the role in this stack and grant it dynamodb:PutItem on the table.`;
    }
    if (!roleAllows(resources, consumer.role, "dynamodb:PutItem", String(table.props.arn))) {
        return `${who} may not write its idempotency store "${store}": IAM role "${consumer.role.name}" has no Allow for dynamodb:PutItem on ${table.props.arn}. Grant dynamodb:GetItem, PutItem, UpdateItem and DeleteItem on the table.`;
    }
    return undefined;
}
