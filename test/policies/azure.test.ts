import * as assert from "node:assert/strict";
import { azureServicebusNamespaceRequireMinimumTls as minimumTls } from "../../policies/azure/azure-servicebus-namespace-require-minimum-tls";
import { azureServicebusQueueLimitMaxDeliveryCount as maxDelivery } from "../../policies/azure/azure-servicebus-queue-limit-max-delivery-count";
import { azureServicebusQueueLimitMessageTimeToLive as timeToLive } from "../../policies/azure/azure-servicebus-queue-limit-message-time-to-live";
import { azureServicebusQueueRequireDeadLetteringOnExpiration as deadLettering } from "../../policies/azure/azure-servicebus-queue-require-dead-lettering-on-expiration";
import { azureServicebusQueueRequireDuplicateDetection as duplicates } from "../../policies/azure/azure-servicebus-queue-require-duplicate-detection";
import { isoDurationSeconds } from "../../policies/lib/azure";
import { checkResource } from "./helpers";

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
        it("accepts queues and subscriptions that dead-letter expired messages", async () => {
            assert.deepEqual(await checkResource(deadLettering, queueType, queue), { violations: [] });
            assert.deepEqual(await checkResource(deadLettering, subscriptionType, { deadLetteringOnMessageExpiration: true }), { violations: [] });
        });
        it("reports entities that drop expired messages", async () => {
            for (const value of [false, undefined]) {
                assert.deepEqual((await checkResource(deadLettering, queueType, { ...queue, deadLetteringOnMessageExpiration: value }, { name: "orders" })).violations, [
                    'Service Bus queue "orders" drops messages that expire unprocessed. Set deadLetteringOnMessageExpiration: true.',
                ]);
            }
            assert.deepEqual((await checkResource(deadLettering, subscriptionType, {}, { name: "audit" })).violations, [
                'Service Bus subscription "audit" drops messages that expire unprocessed. Set deadLetteringOnMessageExpiration: true.',
            ]);
        });
        it("does not apply to other types", async () => {
            assert.equal((await checkResource(deadLettering, "azure-native:servicebus:Topic", queue)).notApplicable, bothTypes);
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
        it("accepts 1 to 14 days", async () => {
            for (const ttl of ["P1D", "PT24H", "P4D", "P14D"]) assert.deepEqual(await checkResource(timeToLive, queueType, { ...queue, defaultMessageTimeToLive: ttl }), { violations: [] });
        });
        it("reports a TTL outside the bounds, unset (never expires) or unreadable", async () => {
            const fix = 'Set defaultMessageTimeToLive between "P1D" and "P14D".';
            const run = async (defaultMessageTimeToLive: string | undefined) => (await checkResource(timeToLive, queueType, { ...queue, defaultMessageTimeToLive }, { name: "orders" })).violations;
            assert.deepEqual(await run("PT12H"), [`Service Bus queue "orders" keeps messages for 12 hours; allowed: 1 to 14 days. ${fix}`]);
            assert.deepEqual(await run("P30D"), [`Service Bus queue "orders" keeps messages for 30 days; allowed: 1 to 14 days. ${fix}`]);
            assert.deepEqual(await run(undefined), [`Service Bus queue "orders" never expires messages (defaultMessageTimeToLive is not set); allowed: 1 to 14 days. ${fix}`]);
            assert.deepEqual(await run("4 days"), [`Service Bus queue "orders" has an unreadable defaultMessageTimeToLive "4 days". ${fix}`]);
        });
        it("does not apply to other types", async () => {
            assert.equal((await checkResource(timeToLive, "azure-native:servicebus:Topic", {})).notApplicable, bothTypes);
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
