import * as assert from "node:assert/strict";
import { azureServicebusQueueLimitMaxDeliveryCount as maxDeliveries } from "../../policies/azure/azure-servicebus-queue-limit-max-delivery-count";
import { gcpCloudtasksQueueLimitRetryAttempts as taskRetries } from "../../policies/gcp/gcp-cloudtasks-queue-limit-retry-attempts";
import { gcpStorageBucketRequireObjectExpiration as gcsExpiration } from "../../policies/gcp/gcp-storage-bucket-require-object-expiration";
import { gcpStorageBucketRequirePublicAccessPrevention as gcsPrivate } from "../../policies/gcp/gcp-storage-bucket-require-public-access-prevention";
import { azureServicebusQueueRequireDeadLetteringOnExpiration as expiryDeadLetters } from "../../policies/stack/azure-servicebus-queue-require-dead-lettering-on-expiration";
import { azureServicebusTopicRequireDeadLetterAlarm as topicAlarm } from "../../policies/stack/azure-servicebus-topic-require-dead-letter-alarm";
import { azureStorageAccountRequireObjectExpiration as blobExpiration } from "../../policies/stack/azure-storage-account-require-object-expiration";
import { azureStorageAccountRequirePrivateBlobs as privateBlobs } from "../../policies/stack/azure-storage-account-require-private-blobs";
import { gcpPubsubSubscriptionRequireDeadLetterPolicy as pubsubDeadLetter } from "../../policies/stack/gcp-pubsub-subscription-require-dead-letter-policy";
import { checkResource, checkStack, stackResource, withChange, without } from "./helpers";

const claimCheck = { "queuestack-claim-check": "true" };
const notClaimCheck = 'Not a claim-check store (claim-check stores carry the tag or label queuestack-claim-check: "true")';

describe("policies for the queue patterns (gcp, azure)", () => {
    describe("gcp-cloudtasks-queue-limit-retry-attempts", () => {
        const type = "gcp:cloudtasks/queue:Queue";
        it("accepts 5 to 100 attempts, and Cloud Tasks' default of 100 when unset", async () => {
            for (const maxAttempts of [5, 20, 100]) assert.deepEqual(await checkResource(taskRetries, type, { location: "europe-west1", retryConfig: { maxAttempts } }), { violations: [] });
            assert.deepEqual(await checkResource(taskRetries, type, { location: "europe-west1" }), { violations: [] });
        });
        it("reports unlimited retries and counts outside the range, with the fix", async () => {
            assert.deepEqual((await checkResource(taskRetries, type, { retryConfig: { maxAttempts: -1 } }, { name: "orders-delays" })).violations, [
                'Cloud Tasks queue "orders-delays" retries a failing task without limit (retryConfig.maxAttempts: -1). Set retryConfig.maxAttempts between 5 and 100.',
            ]);
            assert.deepEqual((await checkResource(taskRetries, type, { retryConfig: { maxAttempts: 2 } }, { name: "orders-delays" })).violations, [
                'Cloud Tasks queue "orders-delays" gives up on a task after 2 attempts and deletes it; allowed: 5 to 100. Set retryConfig.maxAttempts between 5 and 100.',
            ]);
        });
        it("reads the range from the policy config", async () => {
            const config = { "gcp-cloudtasks-queue-limit-retry-attempts": { maximumAttempts: 20 } };
            assert.deepEqual((await checkResource(taskRetries, type, {}, { name: "q", config })).violations, [
                'Cloud Tasks queue "q" gives up on a task after 100 attempts and deletes it; allowed: 5 to 20. Set retryConfig.maxAttempts between 5 and 20.',
            ]);
        });
    });

    describe("claim-check GCS buckets", () => {
        const type = "gcp:storage/bucket:Bucket";
        const bucket = {
            location: "EU",
            labels: claimCheck,
            publicAccessPrevention: "enforced",
            uniformBucketLevelAccess: true,
            lifecycleRules: [{ action: { type: "SetStorageClass", storageClass: "COLDLINE" }, condition: { age: 7 } }, { action: { type: "Delete" }, condition: { age: 19 } }],
        };
        it("accept a private bucket that deletes bodies by age", async () => {
            assert.deepEqual(await checkResource(gcsExpiration, type, bucket), { violations: [] });
            assert.deepEqual(await checkResource(gcsPrivate, type, bucket), { violations: [] });
        });
        it("gcp-storage-bucket-require-object-expiration reports a bucket without a Delete rule by age", async () => {
            const expected = ['GCS bucket "bodies" keeps claim-checked message bodies for ever. Add lifecycleRules: [{ action: { type: "Delete" }, condition: { age: <days, longer than queue + dead-letter retention> } }].'];
            assert.deepEqual((await checkResource(gcsExpiration, type, { ...bucket, lifecycleRules: [bucket.lifecycleRules[0]] }, { name: "bodies" })).violations, expected);
            assert.deepEqual((await checkResource(gcsExpiration, type, { ...bucket, lifecycleRules: undefined }, { name: "bodies" })).violations, expected);
        });
        it("gcp-storage-bucket-require-public-access-prevention reports what is missing", async () => {
            assert.deepEqual((await checkResource(gcsPrivate, type, { ...bucket, publicAccessPrevention: "inherited", uniformBucketLevelAccess: undefined }, { name: "bodies" })).violations, [
                'GCS bucket "bodies" holds message bodies but could be made public (object ACLs or allUsers grants). Set publicAccessPrevention: "enforced" and uniformBucketLevelAccess: true.',
            ]);
        });
        it("do not apply to buckets without the claim-check label (function sources, logs)", async () => {
            for (const policy of [gcsExpiration, gcsPrivate]) {
                assert.deepEqual(await checkResource(policy, type, { location: "EU", labels: { "queuestack-claim-check": "false" } }), { violations: [], notApplicable: notClaimCheck });
                assert.equal((await checkResource(policy, type, { location: "EU" })).notApplicable, notClaimCheck);
            }
        });
    });

    it("gcp-pubsub-subscription-require-dead-letter-policy already covers a fan-out topic's subscriptions", async () => {
        const topicId = (name: string) => `projects/demo/topics/${name}`;
        const stack = [
            stackResource("gcp:pubsub/subscription:Subscription", "emails", { name: "shop-emails", topic: topicId("shop-emails"), deadLetterPolicy: { deadLetterTopic: topicId("shop-emails-dlq"), maxDeliveryAttempts: 5 } }),
            stackResource("gcp:pubsub/subscription:Subscription", "order-events-emails", { name: "shop-order-events-emails", topic: topicId("shop-order-events"), deadLetterPolicy: { deadLetterTopic: topicId("shop-emails-dlq"), maxDeliveryAttempts: 5 } }),
            stackResource("gcp:pubsub/subscription:Subscription", "emails-dlq", { name: "shop-emails-dlq", topic: topicId("shop-emails-dlq") }),
        ];
        assert.deepEqual(await checkStack(pubsubDeadLetter, stack), { violations: [] });
        assert.deepEqual((await checkStack(pubsubDeadLetter, withChange(stack, "order-events-emails", (o) => ({ ...o, deadLetterPolicy: undefined })))).violations, [
            'order-events-emails: Pub/Sub subscription "order-events-emails" has no dead-letter policy: a failing message is redelivered until retention drops it. Create a dead-letter topic with its own subscription and set deadLetterPolicy: { deadLetterTopic: <topic id>, maxDeliveryAttempts: 5 }.',
        ]);
    });

    describe("Service Bus fan-out subscriptions", () => {
        const type = "azure-native:servicebus:Subscription";
        const subscription = { namespaceName: "bus", topicName: "shop-order-events", subscriptionName: "emails", forwardTo: "shop-emails", maxDeliveryCount: 5, deadLetteringOnMessageExpiration: true, defaultMessageTimeToLive: "P4D" };
        it("the existing subscription rules accept a forwarding subscription with its own dead-lettering", async () => {
            assert.deepEqual(await checkStack(expiryDeadLetters, [stackResource(type, "order-events-emails", subscription)]), { violations: [] });
            assert.deepEqual(await checkResource(maxDeliveries, type, subscription), { violations: [] });
        });
        it("and report one that drops expired events or retries too often", async () => {
            assert.deepEqual((await checkStack(expiryDeadLetters, [stackResource(type, "order-events-emails", { ...subscription, deadLetteringOnMessageExpiration: undefined })])).violations, [
                'order-events-emails: Service Bus subscription "order-events-emails" drops messages that expire unprocessed (after 4 days). Set deadLetteringOnMessageExpiration: true.',
            ]);
            assert.deepEqual((await checkResource(maxDeliveries, type, { ...subscription, maxDeliveryCount: 50 }, { name: "order-events-emails" })).violations, [
                'Service Bus subscription "order-events-emails" dead-letters a message after 50 deliveries; allowed: 3 to 10. Set maxDeliveryCount between 3 and 10.',
            ]);
        });
    });

    describe("azure-servicebus-topic-require-dead-letter-alarm", () => {
        const alert = (values?: string[]) => stackResource("azure-native:monitor:MetricAlert", "order-events-dead-letters", {
            enabled: true,
            actions: [{ actionGroupId: "/subscriptions/0/resourceGroups/rg/providers/microsoft.insights/actionGroups/ops" }],
            criteria: { allOf: [{ metricName: "DeadletteredMessages", ...(values ? { dimensions: [{ name: "EntityName", operator: "Include", values }] } : {}) }] },
        });
        const stack = [stackResource("azure-native:servicebus:Topic", "order-events", { namespaceName: "bus", topicName: "shop-order-events" }), alert(["shop-order-events"])];
        it("accepts an alert on the topic's entity or on every entity", async () => {
            assert.deepEqual(await checkStack(topicAlarm, stack), { violations: [] });
            assert.deepEqual(await checkStack(topicAlarm, [stack[0]!, alert()]), { violations: [] });
        });
        it("reports a topic whose dead letters nobody watches (an alert on the queues only does not count)", async () => {
            const expected = [
                'order-events: Service Bus topic "order-events" has no dead-letter alert: messages its subscriptions dead-letter go unnoticed. Add an Azure Monitor metric alert (azure-native monitor.MetricAlert) on DeadletteredMessages with dimension EntityName = "shop-order-events" and an action group.',
            ];
            assert.deepEqual((await checkStack(topicAlarm, without(stack, "order-events-dead-letters"))).violations, expected);
            assert.deepEqual((await checkStack(topicAlarm, [stack[0]!, alert(["shop-emails"])])).violations, expected);
        });
        it("does not apply without topics", async () => {
            assert.equal((await checkStack(topicAlarm, [alert()])).notApplicable, "No Service Bus topics");
        });
    });

    describe("claim-check storage accounts", () => {
        const stack = () => [
            stackResource("azure-native:storage:StorageAccount", "bodies", { accountName: "shopbodies1a2b", allowBlobPublicAccess: false, tags: claimCheck }),
            stackResource("azure-native:storage:BlobContainer", "bodies-container", { accountName: "shopbodies1a2b", containerName: "bodies", publicAccess: "None" }),
            stackResource("azure-native:storage:ManagementPolicy", "bodies-expiry", {
                accountName: "shopbodies1a2b",
                policy: { rules: [{ name: "expire-bodies", enabled: true, type: "Lifecycle", definition: { filters: { blobTypes: ["blockBlob"], prefixMatch: ["bodies/"] }, actions: { baseBlob: { delete: { daysAfterCreationGreaterThan: 19 } } } } }] },
            }),
            stackResource("azure-native:storage:StorageAccount", "functions", { accountName: "shopfunctions1a2b" }),
        ];
        it("accept a private account that deletes bodies (accounts without the tag are not checked)", async () => {
            assert.deepEqual(await checkStack(blobExpiration, stack()), { violations: [] });
            assert.deepEqual(await checkStack(privateBlobs, stack()), { violations: [] });
        });
        it("azure-storage-account-require-object-expiration reports a missing or disabled delete rule", async () => {
            const expected = [
                'bodies: Storage account "bodies" keeps claim-checked message bodies for ever. Add an azure-native storage.ManagementPolicy for account "shopbodies1a2b" with an enabled rule: ' +
                    '{ type: "Lifecycle", definition: { filters: { blobTypes: ["blockBlob"] }, actions: { baseBlob: { delete: { daysAfterCreationGreaterThan: <longer than queue + dead-letter retention> } } } } }.',
            ];
            assert.deepEqual((await checkStack(blobExpiration, without(stack(), "bodies-expiry"))).violations, expected);
            const disabled = withChange(stack(), "bodies-expiry", (o) => ({ ...o, policy: { rules: [{ ...o.policy.rules[0], enabled: false }] } }));
            assert.deepEqual((await checkStack(blobExpiration, disabled)).violations, expected);
        });
        it("azure-storage-account-require-private-blobs reports anonymous access on the account and its containers", async () => {
            const open = withChange(withChange(stack(), "bodies", (o) => ({ ...o, allowBlobPublicAccess: undefined })), "bodies-container", (o) => ({ ...o, publicAccess: "Blob" }));
            assert.deepEqual((await checkStack(privateBlobs, open)).violations, [
                'bodies: Storage account "bodies" holds message bodies but does not forbid anonymous blob access. Set allowBlobPublicAccess: false.',
                'bodies-container: Blob container "bodies-container" in claim-check storage account "shopbodies1a2b" is readable anonymously (publicAccess: "Blob"). Set publicAccess: "None" or remove it.',
            ]);
        });
        it("do not apply without a claim-check account", async () => {
            for (const policy of [blobExpiration, privateBlobs]) {
                assert.equal((await checkStack(policy, without(stack(), "bodies"))).notApplicable, 'No claim-check storage accounts (claim-check stores carry the tag or label queuestack-claim-check: "true")');
            }
        });
    });
});
