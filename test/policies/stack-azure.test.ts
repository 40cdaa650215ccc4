import * as assert from "node:assert/strict";
import { azureServicebusConsumerRequireIdempotencyStore as idempotency } from "../../policies/stack/azure-servicebus-consumer-require-idempotency-store";
import { azureServicebusQueueRequireBacklogAlarm as backlogAlarm } from "../../policies/stack/azure-servicebus-queue-require-backlog-alarm";
import { azureServicebusQueueRequireDeadLetterAlarm as deadLetterAlarm } from "../../policies/stack/azure-servicebus-queue-require-dead-letter-alarm";
import { compliantAzureStack } from "./fixtures-gcp-azure";
import { checkStack, stackResource, withChange, without } from "./helpers";

const stack = compliantAzureStack();
const allAzureStackPolicies = [deadLetterAlarm, backlogAlarm, idempotency];
const run = async (policy: (typeof allAzureStackPolicies)[number], resources: typeof stack) => (await checkStack(policy, resources)).violations;

describe("policies/stack (azure)", () => {
    it("a compliant hand-written stack passes every Azure stack policy", async () => {
        for (const policy of allAzureStackPolicies) assert.deepEqual(await checkStack(policy, stack), { violations: [] }, policy.name);
    });

    it("no Azure stack policy applies to a stack without Service Bus", async () => {
        const sqsOnly = [stackResource("aws:sqs/queue:Queue", "q", { name: "q" })];
        for (const policy of allAzureStackPolicies) assert.equal((await checkStack(policy, sqsOnly)).notApplicable !== undefined, true, policy.name);
    });

    it("azure-servicebus-queue-require-dead-letter-alarm reports a queue without one, or one that excludes it or has no action", async () => {
        const expected = ['orders: Service Bus queue "orders" has no dead-letter alert: dead-lettered messages go unnoticed. Add an Azure Monitor metric alert (azure-native monitor.MetricAlert) on DeadletteredMessages with dimension EntityName = "orders" and an action group.'];
        assert.deepEqual(await run(deadLetterAlarm, without(stack, "orders-dead-letters")), expected);
        assert.deepEqual(await run(deadLetterAlarm, withChange(stack, "orders-dead-letters", (o) => ({ ...o, actions: [] }))), expected);
        const excluded = withChange(stack, "orders-dead-letters", (o) => ({ ...o, criteria: { allOf: [{ metricName: "DeadletteredMessages", dimensions: [{ name: "EntityName", operator: "Exclude", values: ["orders"] }] }] } }));
        assert.deepEqual(await run(deadLetterAlarm, excluded), expected);
    });

    it("azure-servicebus-queue-require-dead-letter-alarm accepts a namespace-wide alert", async () => {
        const wide = withChange(stack, "orders-dead-letters", (o) => ({ ...o, criteria: { allOf: [{ metricName: "DeadletteredMessages" }] } }));
        assert.deepEqual(await run(deadLetterAlarm, wide), []);
    });

    it("azure-servicebus-queue-require-backlog-alarm reports a queue without one", async () => {
        assert.deepEqual(await run(backlogAlarm, without(stack, "orders-backlog")), [
            'orders: Service Bus queue "orders" has no backlog alert. Add an Azure Monitor metric alert (azure-native monitor.MetricAlert) on ActiveMessages with dimension EntityName = "orders", at your backlog SLA, and an action group.',
        ]);
    });

    it("azure-servicebus-consumer-require-idempotency-store reports each missing piece", async () => {
        const undeclared = withChange(stack, "worker", (o) => ({ ...o, siteConfig: { appSettings: [] } }));
        assert.deepEqual(await run(idempotency, undeclared), [], "a writable container with TTL is recognised without a declaration");
        assert.deepEqual(await run(idempotency, without(undeclared, "worker-jobs")), [
            'worker: Function App "worker" consumes Service Bus (at-least-once delivery) and shows no idempotency guard: no Cosmos DB container with a default TTL in this stack on which its identity has a Cosmos DB SQL role assignment, and no declaration. ' +
                'Guard the handler with such a store, or declare it: tag the Function App "queuestack-idempotency" = <store name> (checked like QUEUESTACK_IDEMPOTENCY_STORE), or "external" when the store is outside this stack or the handler is idempotent by design; ' +
                'or list "worker" in idempotentConsumers of the azure-servicebus-consumer-require-idempotency-store policy config.',
        ]);
        assert.deepEqual(await run(idempotency, withChange(without(undeclared, "worker-jobs"), "worker", (o) => ({ ...o, tags: { "queuestack-idempotency": "external" } }))), []);
        assert.deepEqual(await run(idempotency, without(stack, "jobs")), [
            'worker: Function App "worker" declares idempotency store "jobs", but no Cosmos DB container with id "jobs" is in this stack. Create it with resource.defaultTtl set, or correct QUEUESTACK_IDEMPOTENCY_STORE.',
        ]);
        assert.deepEqual(await run(idempotency, withChange(stack, "jobs", (o) => ({ ...o, resource: { id: "jobs" } }))), [
            'worker: Cosmos DB container "jobs", the idempotency store of Function App "worker", never expires its records. Set resource.defaultTtl (seconds, or -1 to let each record set its own ttl).',
        ]);
        assert.deepEqual(await run(idempotency, without(stack, "worker-jobs")), [
            'worker: Function App "worker" may not write its idempotency store "jobs": its identity principal-worker has no Cosmos DB SQL role assignment. Assign it Cosmos DB Built-in Data Contributor (00000000-0000-0000-0000-000000000002) on the container.',
        ]);
    });

    it("azure-servicebus-consumer-require-idempotency-store treats only Service Bus receivers as consumers", async () => {
        const sender = withChange(stack, "worker-receive", (o) => ({ ...o, roleDefinitionId: "/subscriptions/0/providers/Microsoft.Authorization/roleDefinitions/69a216fc-b8fb-44d8-bc22-1f3c2cd27a39" }));
        assert.equal((await checkStack(idempotency, withChange(sender, "worker", (o) => ({ ...o, siteConfig: {} })))).notApplicable, "No Service Bus consumers in this stack");
    });
});
