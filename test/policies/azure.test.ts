import * as assert from "node:assert/strict";
import { azureServicebusNamespaceRequireMinimumTls as minimumTls } from "../../policies/azure/azure-servicebus-namespace-require-minimum-tls";
import { azureServicebusQueueLimitMaxDeliveryCount as maxDelivery } from "../../policies/azure/azure-servicebus-queue-limit-max-delivery-count";
import { azureServicebusQueueRequireDuplicateDetection as duplicates } from "../../policies/azure/azure-servicebus-queue-require-duplicate-detection";
import { isoDurationSeconds } from "../../policies/lib/azure";
import { azureServicebusQueueLimitMessageTimeToLive as timeToLive } from "../../policies/stack/azure-servicebus-queue-limit-message-time-to-live";
import { azureServicebusQueueRequireDeadLetteringOnExpiration as deadLettering } from "../../policies/stack/azure-servicebus-queue-require-dead-lettering-on-expiration";
import { checkResource, checkStack, stackResource } from "./helpers";

const queueType = "azure-native:servicebus:Queue";
const subscriptionType = "azure-native:servicebus:Subscription";
const bothTypes = "Policy only applies to resources of type 'azure-native:servicebus:Queue' or 'azure-native:servicebus:Subscription'";

/** A queue every Azure resource policy accepts. */
const queue = {
    namespaceName: "bus",
    resourceGroupName: "rg",
    queueName: "orders",
    deadLetteringOnMessageExpiration: true,
    defaultMessageTimeToLive: "P4D",
    lockDuration: "PT3M",
    maxDeliveryCount: 5,
    requiresSession: true,
    requiresDuplicateDetection: true,
};

describe("policies/azure", () => {
    it("reads ISO 8601 durations", () => {
        assert.equal(isoDurationSeconds("P14D"), 14 * 86_400);
        assert.equal(isoDurationSeconds("PT5M"), 300);
        assert.equal(isoDurationSeconds("P1DT2H30M10.5S"), 86_400 + 2 * 3600 + 1800 + 10.5);
        for (const bad of ["P", "PT", "14D", "P1W", ""]) assert.equal(isoDurationSeconds(bad), undefined, bad);
    });

    describe("azure-servicebus-queue-require-dead-lettering-on-expiration", () => {
        const namespace = (tier: string) => stackResource("azure-native:servicebus:Namespace", "bus", { namespaceName: "bus", sku: { name: tier, tier } });
        it("accepts queues and subscriptions that dead-letter expired messages", async () => {
            assert.deepEqual(await checkStack(deadLettering, [stackResource(queueType, "orders", queue), stackResource(subscriptionType, "audit", { deadLetteringOnMessageExpiration: true })]), { violations: [] });
        });
        it("reports entities that drop expired messages, with when they expire", async () => {
            for (const value of [false, undefined]) {
                assert.deepEqual((await checkStack(deadLettering, [stackResource(queueType, "orders", { ...queue, deadLetteringOnMessageExpiration: value })])).violations, [
                    'orders: Service Bus queue "orders" drops messages that expire unprocessed (after 4 days). Set deadLetteringOnMessageExpiration: true.',
                ]);
            }
            const basicDefault = [namespace("Basic"), stackResource(queueType, "orders", { namespaceName: "bus", queueName: "orders" })];
            assert.deepEqual((await checkStack(deadLettering, basicDefault)).violations, [
                'orders: Service Bus queue "orders" drops messages that expire unprocessed (after 14 days, Basic\'s default TTL). Set deadLetteringOnMessageExpiration: true.',
            ]);
        });
        it("leaves entities whose messages never expire to the TTL policy: one cause, one violation", async () => {
            const unset = [namespace("Standard"), stackResource(queueType, "orders", { namespaceName: "bus", queueName: "orders" })];
            assert.deepEqual(await checkStack(deadLettering, unset), { violations: [] });
            assert.deepEqual((await checkStack(timeToLive, unset)).violations, [
                'orders: Service Bus queue "orders": defaultMessageTimeToLive is not set, so on its Standard namespace its messages never expire; allowed: 1 to 14 days. Set defaultMessageTimeToLive between "P1D" and "P14D", and deadLetteringOnMessageExpiration: true so expired messages are dead-lettered, not dropped.',
            ]);
        });
        it("does not apply without Service Bus queues or subscriptions", async () => {
            assert.equal((await checkStack(deadLettering, [stackResource("azure-native:servicebus:Topic", "t", {})])).notApplicable, "No Service Bus queues or subscriptions");
        });
    });

    describe("azure-servicebus-queue-limit-max-delivery-count", () => {
        it("accepts 3 to 10 deliveries and the Service Bus default (10)", async () => {
            for (const maxDeliveryCount of [3, 10, undefined]) assert.deepEqual(await checkResource(maxDelivery, queueType, { ...queue, maxDeliveryCount }), { violations: [] });
        });
        it("reports counts outside the range", async () => {
            assert.deepEqual((await checkResource(maxDelivery, queueType, { ...queue, maxDeliveryCount: 2 }, { name: "orders" })).violations, [
                'Service Bus queue "orders" dead-letters a message after 2 deliveries; allowed: 3 to 10. Set maxDeliveryCount between 3 and 10.',
            ]);
            const config = { "azure-servicebus-queue-limit-max-delivery-count": { maximumDeliveryAttempts: 8 } };
            assert.deepEqual((await checkResource(maxDelivery, subscriptionType, { maxDeliveryCount: 9 }, { name: "audit", config })).violations, [
                'Service Bus subscription "audit" dead-letters a message after 9 deliveries; allowed: 3 to 8. Set maxDeliveryCount between 3 and 8.',
            ]);
        });
        it("does not apply to other types", async () => {
            assert.equal((await checkResource(maxDelivery, "azure-native:servicebus:Namespace", {})).notApplicable, bothTypes);
        });
    });

    describe("azure-servicebus-queue-limit-message-time-to-live", () => {
        const namespace = (tier: string) => stackResource("azure-native:servicebus:Namespace", "bus", { namespaceName: "bus", sku: { name: tier, tier } });
        const run = async (defaultMessageTimeToLive: string | undefined, tier?: string) =>
            (await checkStack(timeToLive, [...(tier ? [namespace(tier)] : []), stackResource(queueType, "orders", { ...queue, defaultMessageTimeToLive })])).violations;
        it("accepts 1 to 14 days, and an unset TTL on a Basic namespace (Basic expires after 14 days)", async () => {
            for (const ttl of ["P1D", "PT24H", "P4D", "P14D"]) assert.deepEqual(await run(ttl), [], ttl);
            assert.deepEqual(await run(undefined, "Basic"), []);
        });
        it("reports a TTL outside the bounds, unset on Standard or Premium (never expires), never, or unreadable", async () => {
            const fix = 'Set defaultMessageTimeToLive between "P1D" and "P14D".';
            assert.deepEqual(await run("PT12H"), [`orders: Service Bus queue "orders" keeps messages for 12 hours; allowed: 1 to 14 days. ${fix}`]);
            assert.deepEqual(await run("P30D"), [`orders: Service Bus queue "orders" keeps messages for 30 days; allowed: 1 to 14 days. ${fix}`]);
            assert.deepEqual(await run(undefined), [`orders: Service Bus queue "orders": defaultMessageTimeToLive is not set, so on a Standard or Premium namespace its messages never expire (Basic expires them after 14 days); allowed: 1 to 14 days. ${fix}`]);
            assert.deepEqual(await run(undefined, "Premium"), [`orders: Service Bus queue "orders": defaultMessageTimeToLive is not set, so on its Premium namespace its messages never expire; allowed: 1 to 14 days. ${fix}`]);
            assert.deepEqual(await run("P10675199DT2H48M5.4775807S", "Standard"), [`orders: Service Bus queue "orders": defaultMessageTimeToLive "P10675199DT2H48M5.4775807S" means its messages never expire; allowed: 1 to 14 days. ${fix}`]);
            assert.deepEqual(await run("4 days"), [`orders: Service Bus queue "orders" has an unreadable defaultMessageTimeToLive "4 days". ${fix}`]);
        });
        it("reports a TTL above 14 days on a Basic namespace as a deploy failure, whatever the configured bounds", async () => {
            const config = { "azure-servicebus-queue-limit-message-time-to-live": { maximumRetentionDays: 30 } };
            const resources = [namespace("Basic"), stackResource(queueType, "orders", { ...queue, defaultMessageTimeToLive: "P20D" })];
            assert.deepEqual((await checkStack(timeToLive, resources, config)).violations, [
                'orders: Service Bus queue "orders" sets defaultMessageTimeToLive "P20D" on a Basic namespace, which refuses more than 14 days at deploy. Set it to "P14D" or less, or move the namespace to Standard.',
            ]);
            assert.deepEqual((await checkStack(timeToLive, [namespace("Standard"), resources[1]], config)).violations, []);
        });
    });

    describe("azure-servicebus-queue-require-duplicate-detection", () => {
        it("accepts a session queue with duplicate detection", async () => {
            assert.deepEqual(await checkResource(duplicates, queueType, queue), { violations: [] });
        });
        it("reports a session queue without it", async () => {
            assert.deepEqual((await checkResource(duplicates, queueType, { ...queue, requiresDuplicateDetection: false }, { name: "orders" })).violations, [
                'Session-enabled Service Bus queue "orders" does not detect duplicates. Set requiresDuplicateDetection: true (and duplicateDetectionHistoryTimeWindow, default "PT10M"); senders set MessageId.',
            ]);
        });
        it("does not apply to queues without sessions or to other types", async () => {
            assert.equal((await checkResource(duplicates, queueType, { ...queue, requiresSession: false, requiresDuplicateDetection: false })).notApplicable, "Not a session queue");
            assert.equal((await checkResource(duplicates, subscriptionType, queue)).notApplicable, "Policy only applies to resources of type 'azure-native:servicebus:Queue'");
        });
    });

    describe("azure-servicebus-namespace-require-minimum-tls", () => {
        const namespaceType = "azure-native:servicebus:Namespace";
        it("accepts TLS 1.2 and 1.3", async () => {
            for (const minimumTlsVersion of ["1.2", "1.3"]) assert.deepEqual(await checkResource(minimumTls, namespaceType, { minimumTlsVersion }), { violations: [] });
        });
        it("reports older or unset minimum versions", async () => {
            assert.deepEqual((await checkResource(minimumTls, namespaceType, { minimumTlsVersion: "1.0" }, { name: "bus" })).violations, [
                'Service Bus namespace "bus" accepts TLS from 1.0. Set minimumTlsVersion: "1.2".',
            ]);
            assert.deepEqual((await checkResource(minimumTls, namespaceType, {}, { name: "bus" })).violations, [
                'Service Bus namespace "bus" accepts TLS versions its API default allows. Set minimumTlsVersion: "1.2".',
            ]);
        });
        it("does not apply to other types", async () => {
            assert.equal((await checkResource(minimumTls, queueType, {})).notApplicable, "Policy only applies to resources of type 'azure-native:servicebus:Namespace'");
        });
    });
});
