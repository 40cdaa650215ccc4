import type { PolicyResource } from "@pulumi/policy";
import { type ServiceBusConsumer, serviceBusConsumers } from "../lib/azure-stack";
import { idempotencyStoreKey } from "../lib/declarations";
import { declaredExternal, type IdempotencyConfig, idempotencySchema, undeclaredStoreMessage } from "../lib/idempotency";
import { stackPolicy } from "../lib/policy";
import { ofType } from "../lib/stack";

const name = "azure-servicebus-consumer-require-idempotency-store";
const containerType = "azure-native:cosmosdb:SqlResourceSqlContainer";

/**
 * Service Bus delivers at least once (peek-lock), so every consumer (a Function App or VM Scale
 * Set whose identity holds Azure Service Bus Data Receiver or Data Owner) guards its handler with
 * an idempotency store: a Cosmos DB SQL container with a default TTL on which its identity has a
 * Cosmos DB SQL role assignment. A consumer may name its container (app setting or tag
 * `QUEUESTACK_IDEMPOTENCY_STORE`, or tag `queuestack-idempotency`), which is then checked; may
 * declare `external` or be listed in the `idempotentConsumers` config; or, declaring nothing,
 * passes when any container with a TTL in the stack is writable by its identity.
 */
export const azureServicebusConsumerRequireIdempotencyStore = stackPolicy<IdempotencyConfig>({
    name,
    description: "Every Service Bus consumer writes an idempotency record (a Cosmos DB container with TTL it may write), so a redelivered message has no second effect.",
    enforcementLevel: "mandatory",
    configSchema: idempotencySchema,
    validate: ({ args, config, report }) => {
        const consumers = serviceBusConsumers(args.resources);
        if (consumers.length === 0) return args.notApplicable("No Service Bus consumers in this stack");
        for (const consumer of consumers) {
            if (declaredExternal(consumer.resource, consumer.declaredStore, config)) continue;
            const problem = consumer.declaredStore ? declaredStoreProblem(args.resources, consumer, consumer.declaredStore) : undeclaredStoreProblem(args.resources, consumer);
            if (problem) report(problem, consumer.resource.urn);
        }
    },
});

const expires = (container: PolicyResource) => {
    const ttl = container.props.resource?.defaultTtl;
    return typeof ttl === "number" && ttl !== 0 && ttl >= -1;
};
const granted = (resources: readonly PolicyResource[], principalId: string) =>
    ofType(resources, "azure-native:cosmosdb:SqlResourceSqlRoleAssignment").some((a) => a.props.principalId === principalId);

function undeclaredStoreProblem(resources: readonly PolicyResource[], consumer: ServiceBusConsumer): string | undefined {
    if (ofType(resources, containerType).some(expires) && granted(resources, consumer.principalId)) return undefined;
    return undeclaredStoreMessage({
        who: `${consumer.kind} "${consumer.resource.name}"`,
        consumes: "Service Bus",
        store: "Cosmos DB container with a default TTL in this stack on which its identity has a Cosmos DB SQL role assignment",
        carrier: consumer.kind === "Function App" ? "tag the Function App" : "tag the scale set",
        consumerName: consumer.resource.name,
        policyName: name,
    });
}

function declaredStoreProblem(resources: readonly PolicyResource[], consumer: ServiceBusConsumer, store: string): string | undefined {
    const who = `${consumer.kind} "${consumer.resource.name}"`;
    const container = ofType(resources, containerType).find((c) => c.props.resource?.id === store);
    if (!container) {
        return `${who} declares idempotency store "${store}", but no Cosmos DB container with id "${store}" is in this stack. Create it with resource.defaultTtl set, or correct ${idempotencyStoreKey}.`;
    }
    if (!expires(container)) {
        return `Cosmos DB container "${container.name}", the idempotency store of ${who}, never expires its records. Set resource.defaultTtl (seconds, or -1 to let each record set its own ttl).`;
    }
    if (!granted(resources, consumer.principalId)) {
        return `${who} may not write its idempotency store "${store}": its identity ${consumer.principalId} has no Cosmos DB SQL role assignment. Assign it Cosmos DB Built-in Data Contributor (00000000-0000-0000-0000-000000000002) on the container.`;
    }
    return undefined;
}
