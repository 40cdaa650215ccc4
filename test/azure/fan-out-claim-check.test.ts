import { strict as assert } from "node:assert";
import { LargeMessageStore } from "../../components/azure/large-messages";
import { Topic } from "../../components/azure/topic";
import { runOffline, valueOf } from "../../components/testing/offline";
import { ofType, one } from "../helpers/resources";
import { global, where } from "./fixtures";

describe("azure Topic (fan-out)", () => {
    const plan = (ordered?: boolean) =>
        runOffline(() => new Topic("orders", {
            ...where,
            topic: { name: "order-events", subscribers: ["billing", "shipping"] },
            namespaceName: "shop-dev-bus-123abc",
            ordered,
            subscribers: [
                { name: "billing", queueName: "shop-dev-billing", maxDeliveryCount: 5, retentionDays: 4 },
                { name: "shipping", queueName: "shop-dev-shipping-low", maxDeliveryCount: 8, retentionDays: 9 },
            ],
        }));

    it("creates one topic, unordered unless asked, keeping events as long as its longest-lived subscriber", async () => {
        const { result, resources } = await plan();
        const topic = one(resources, "azure-native:servicebus:Topic");
        assert.equal(topic.parentType, "queuestack:azure:Topic");
        assert.deepEqual(topic.inputs, {
            topicName: "shop-dev-order-events",
            namespaceName: "shop-dev-bus-123abc",
            resourceGroupName: "shop-dev",
            defaultMessageTimeToLive: "P9D",
            supportOrdering: false,
            enableBatchedOperations: true,
        });
        assert.equal(await valueOf(result.topicName), "shop-dev-order-events");
        assert.equal(one((await plan(true)).resources, "azure-native:servicebus:Topic").inputs.supportOrdering, true);
    });

    it("forwards to each subscriber queue through its own subscription, which dead-letters on its own", async () => {
        const { resources } = await plan();
        const subscriptions = ofType(resources, "azure-native:servicebus:Subscription");
        assert.deepEqual(subscriptions.map((s) => [s.name, s.inputs]), [
            ["orders-to-billing", {
                subscriptionName: "billing", topicName: "shop-dev-order-events", namespaceName: "shop-dev-bus-123abc", resourceGroupName: "shop-dev",
                forwardTo: "shop-dev-billing", maxDeliveryCount: 5, defaultMessageTimeToLive: "P4D",
                deadLetteringOnMessageExpiration: true, deadLetteringOnFilterEvaluationExceptions: true, requiresSession: false, enableBatchedOperations: true,
            }],
            ["orders-to-shipping", {
                subscriptionName: "shipping", topicName: "shop-dev-order-events", namespaceName: "shop-dev-bus-123abc", resourceGroupName: "shop-dev",
                forwardTo: "shop-dev-shipping-low", maxDeliveryCount: 8, defaultMessageTimeToLive: "P9D",
                deadLetteringOnMessageExpiration: true, deadLetteringOnFilterEvaluationExceptions: true, requiresSession: false, enableBatchedOperations: true,
            }],
        ]);
        // No subscription forwards its dead letters elsewhere: they stay in its own $deadletterqueue.
        for (const s of subscriptions) assert.equal(s.inputs.forwardDeadLetteredMessagesTo, undefined);
    });
});

describe("azure LargeMessageStore (claim check)", () => {
    const plan = () => runOffline(() => new LargeMessageStore("large", { ...where, uniqueScope: global.uniqueScope, expireDays: 19 }));

    it("keeps bodies in a private container of an account with shared keys off, TLS 1.2 and HTTPS only", async () => {
        const { result, resources } = await plan();
        const account = one(resources, "azure-native:storage:StorageAccount");
        assert.equal(account.parentType, "queuestack:azure:LargeMessageStore");
        assert.match(account.inputs.accountName as string, /^shopdevlarge[0-9a-f]{6}$/);
        const { accountName: _name, ...rest } = account.inputs;
        assert.deepEqual(rest, {
            resourceGroupName: "shop-dev",
            location: "westeurope",
            kind: "StorageV2",
            sku: { name: "Standard_LRS" },
            allowBlobPublicAccess: false,
            minimumTlsVersion: "TLS1_2",
            enableHttpsTrafficOnly: true,
            defaultToOAuthAuthentication: true,
            allowSharedKeyAccess: false,
            tags: { "queuestack:role": "large-messages", "queuestack-claim-check": "true" },
        });
        const container = one(resources, "azure-native:storage:BlobContainer");
        assert.deepEqual([container.inputs.containerName, container.inputs.publicAccess], ["large-messages", "None"]);
        assert.equal(await valueOf(result.containerUrl), `https://${account.inputs.accountName}.blob.core.windows.net/large-messages`);
    });

    it("deletes stored bodies expireDays after they were written, in that container only", async () => {
        const policy = one((await plan()).resources, "azure-native:storage:ManagementPolicy");
        assert.equal(policy.inputs.managementPolicyName, "default");
        assert.deepEqual(policy.inputs.policy, {
            rules: [{
                name: "expire-large-messages",
                enabled: true,
                type: "Lifecycle",
                definition: {
                    filters: { blobTypes: ["blockBlob"], prefixMatch: ["large-messages/"] },
                    actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: 19 } } },
                },
            }],
        });
    });

    it("refuses an expiry that is not a positive whole number of days", async () => {
        await assert.rejects(
            runOffline(() => new LargeMessageStore("large", { ...where, uniqueScope: global.uniqueScope, expireDays: 0 })),
            /large message store "large": expireDays must be a positive whole number, got 0/,
        );
    });
});
