import type { PolicyResource } from "@pulumi/policy";
import { type ServiceBusConsumer, serviceBusConsumers } from "../lib/azure-stack";
import { idempotencyStoreKey } from "../lib/declarations";
import { stackPolicy } from "../lib/policy";
import { ofType } from "../lib/stack";

/**
 * Service Bus delivers at least once (peek-lock), so every consumer (a Function App or VM Scale
 * Set whose identity holds Azure Service Bus Data Receiver or Data Owner) declares an idempotency
 * store under `QUEUESTACK_IDEMPOTENCY_STORE` (see policies/lib/declarations.ts): a Cosmos DB SQL
 * container in the stack with a default TTL, on which its identity has a Cosmos DB SQL role assignment.
 */
export const azureServicebusConsumerRequireIdempotencyStore = stackPolicy({
    name: "azure-servicebus-consumer-require-idempotency-store",
    description: "Every Service Bus consumer writes an idempotency record (a Cosmos DB container with TTL it may write), so a redelivered message has no second effect.",
    enforcementLevel: "mandatory",
    validate: ({ args, report }) => {
        const consumers = serviceBusConsumers(args.resources);
        if (consumers.length === 0) return args.notApplicable("No Service Bus consumers in this stack");
        for (const consumer of consumers) {
            const problem = storeProblem(args.resources, consumer);
            if (problem) report(problem, consumer.resource.urn);
        }
    },
});

function storeProblem(resources: readonly PolicyResource[], consumer: ServiceBusConsumer): string | undefined {
    const who = `${consumer.kind} "${consumer.resource.name}"`;
    const where = consumer.kind === "Function App" ? "the app setting" : "the tag";
    const store = consumer.declaredStore;
    if (!store) {
        return `${who} receives from Service Bus (at-least-once delivery) but declares no idempotency store. ` +
            `Set ${where} ${idempotencyStoreKey} to a Cosmos DB container with a default TTL that it may write, and guard the handler with it.`;
    }
    const container = ofType(resources, "azure-native:cosmosdb:SqlResourceSqlContainer").find((c) => c.props.resource?.id === store);
    if (!container) {
        return `${who} declares idempotency store "${store}", but no Cosmos DB container with id "${store}" is in this stack. Create it with resource.defaultTtl set, or correct ${idempotencyStoreKey}.`;
    }
    const ttl = container.props.resource?.defaultTtl;
    if (typeof ttl !== "number" || ttl === 0 || ttl < -1) {
        return `Cosmos DB container "${container.name}", the idempotency store of ${who}, never expires its records. Set resource.defaultTtl (seconds, or -1 to let each record set its own ttl).`;
    }
    const granted = ofType(resources, "azure-native:cosmosdb:SqlResourceSqlRoleAssignment").some((a) => a.props.principalId === consumer.principalId);
    if (!granted) {
        return `${who} may not write its idempotency store "${store}": its identity ${consumer.principalId} has no Cosmos DB SQL role assignment. Assign it Cosmos DB Built-in Data Contributor (00000000-0000-0000-0000-000000000002) on the container.`;
    }
    return undefined;
}
