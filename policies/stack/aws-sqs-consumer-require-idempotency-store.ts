import type { PolicyResource } from "@pulumi/policy";
import { roleAllows } from "../lib/aws-iam";
import { type SqsConsumer, sqsConsumers, sqsQueues } from "../lib/aws-stack";
import { idempotencyStoreKey } from "../lib/declarations";
import { declaredExternal, type IdempotencyConfig, idempotencySchema, undeclaredStoreMessage } from "../lib/idempotency";
import { stackPolicy } from "../lib/policy";
import { ofType } from "../lib/stack";

const name = "aws-sqs-consumer-require-idempotency-store";

/**
 * SQS delivers at least once, so every consumer (Lambda function behind an event source mapping,
 * Auto Scaling group scaling on a queue) guards its handler with an idempotency store: a DynamoDB
 * table with TTL that its IAM role may `dynamodb:PutItem` (conditional puts are how guards such as
 * Powertools' idempotency utility claim a message). A consumer may name its table (environment
 * variable `QUEUESTACK_IDEMPOTENCY_STORE`, or tag `queuestack-idempotency`), which is then checked;
 * may declare `external` or be listed in the `idempotentConsumers` config; or, declaring nothing,
 * passes when any table with TTL in the stack is writable by its role.
 */
export const awsSqsConsumerRequireIdempotencyStore = stackPolicy<IdempotencyConfig>({
    name,
    description: "Every SQS consumer writes an idempotency record (a DynamoDB table with TTL it may write), so a redelivered message has no second effect.",
    enforcementLevel: "mandatory",
    configSchema: idempotencySchema,
    validate: ({ args, config, report }) => {
        const consumers = sqsConsumers(args.resources, sqsQueues(args.resources));
        if (consumers.length === 0) return args.notApplicable("No SQS consumers in this stack");
        const seen = new Set<string>();
        for (const consumer of consumers) {
            if (seen.has(consumer.resource.urn)) continue;
            seen.add(consumer.resource.urn);
            if (declaredExternal(consumer.resource, consumer.declaredStore, config)) continue;
            const problem = consumer.declaredStore ? declaredStoreProblem(args.resources, consumer, consumer.declaredStore) : undeclaredStoreProblem(args.resources, consumer);
            if (problem) report(problem, consumer.resource.urn);
        }
    },
});

const ttlEnabled = (table: PolicyResource) => table.props.ttl?.enabled === true && Boolean(table.props.ttl?.attributeName);
const mayWrite = (resources: readonly PolicyResource[], role: PolicyResource, table: PolicyResource) =>
    ["dynamodb:PutItem", "dynamodb:UpdateItem"].some((action) => roleAllows(resources, role, action, String(table.props.arn)));

function undeclaredStoreProblem(resources: readonly PolicyResource[], consumer: SqsConsumer): string | undefined {
    const role = consumer.role;
    const guarded = role && ofType(resources, "aws:dynamodb/table:Table").some((table) => ttlEnabled(table) && mayWrite(resources, role, table));
    if (guarded) return undefined;
    return undeclaredStoreMessage({
        who: `${consumer.kind} "${consumer.resource.name}"`,
        consumes: `SQS queue "${consumer.queue.resource.name}"`,
        store: `DynamoDB table with TTL in this stack that its IAM role may write (dynamodb:PutItem)`,
        carrier: consumer.kind === "Lambda function" ? "tag the function" : "tag the group",
        consumerName: consumer.resource.name,
        policyName: name,
    });
}

function declaredStoreProblem(resources: readonly PolicyResource[], consumer: SqsConsumer, store: string): string | undefined {
    const who = `${consumer.kind} "${consumer.resource.name}"`;
    const table = ofType(resources, "aws:dynamodb/table:Table").find((t) => t.props.name === store);
    if (!table) {
        return `${who} declares idempotency store "${store}", but no DynamoDB table named "${store}" is in this stack. Create it with ttl enabled, or correct ${idempotencyStoreKey}.`;
    }
    if (!ttlEnabled(table)) {
        return `DynamoDB table "${table.name}", the idempotency store of ${who}, never expires its records. Set ttl: { enabled: true, attributeName: "expiresAt" }.`;
    }
    if (!consumer.role) {
        return `${who} declares idempotency store "${store}", but its IAM role is not in this stack, so its write access cannot be verified. Define the role in this stack and grant it dynamodb:PutItem on the table.`;
    }
    if (!mayWrite(resources, consumer.role, table)) {
        return `${who} may not write its idempotency store "${store}": IAM role "${consumer.role.name}" has no Allow for dynamodb:PutItem on ${table.props.arn}. Grant dynamodb:GetItem, PutItem, UpdateItem and DeleteItem on the table.`;
    }
    return undefined;
}
