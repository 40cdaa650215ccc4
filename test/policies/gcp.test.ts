import * as assert from "node:assert/strict";
import { gcpPubsubSubscriptionLimitMaxDeliveryAttempts as maxAttempts } from "../../policies/gcp/gcp-pubsub-subscription-limit-max-delivery-attempts";
import { gcpPubsubSubscriptionLimitMessageRetention as retention } from "../../policies/gcp/gcp-pubsub-subscription-limit-message-retention";
import { gcpPubsubSubscriptionRequireAuthenticatedPush as authenticatedPush } from "../../policies/gcp/gcp-pubsub-subscription-require-authenticated-push";
import { gcpPubsubSubscriptionRequireExactlyOnceDelivery as exactlyOnce } from "../../policies/gcp/gcp-pubsub-subscription-require-exactly-once-delivery";
import { checkResource } from "./helpers";

const subscriptionType = "gcp:pubsub/subscription:Subscription";
const onlySubscriptions = "Policy only applies to resources of type 'gcp:pubsub/subscription:Subscription'";

/** A subscription every GCP resource policy accepts. */
const subscription = {
    name: "orders",
    topic: "projects/demo-project/topics/orders",
    ackDeadlineSeconds: 180,
    messageRetentionDuration: "345600s",
    deadLetterPolicy: { deadLetterTopic: "projects/demo-project/topics/orders-dlq", maxDeliveryAttempts: 5 },
    enableMessageOrdering: true,
    enableExactlyOnceDelivery: true,
};

describe("policies/gcp", () => {
    describe("gcp-pubsub-subscription-limit-max-delivery-attempts", () => {
        it("accepts 5 to 10 attempts and the Pub/Sub default (5)", async () => {
            for (const maxDeliveryAttempts of [5, 10, undefined]) {
                assert.deepEqual(await checkResource(maxAttempts, subscriptionType, { ...subscription, deadLetterPolicy: { ...subscription.deadLetterPolicy, maxDeliveryAttempts } }), { violations: [] });
            }
        });
        it("reports attempts above the range", async () => {
            const props = { ...subscription, deadLetterPolicy: { ...subscription.deadLetterPolicy, maxDeliveryAttempts: 50 } };
            assert.deepEqual((await checkResource(maxAttempts, subscriptionType, props, { name: "orders" })).violations, [
                'Pub/Sub subscription "orders" dead-letters a message after 50 delivery attempts; allowed: 3 to 10. Set deadLetterPolicy.maxDeliveryAttempts between 5 and 10 (Pub/Sub accepts 5-100).',
            ]);
        });
        it("does not apply without a dead-letter policy or to other types", async () => {
            assert.equal((await checkResource(maxAttempts, subscriptionType, { ...subscription, deadLetterPolicy: undefined })).notApplicable, "No dead-letter policy");
            assert.equal((await checkResource(maxAttempts, "gcp:pubsub/topic:Topic", subscription)).notApplicable, onlySubscriptions);
        });
    });

    describe("gcp-pubsub-subscription-limit-message-retention", () => {
        it("accepts 1 to 14 days and the Pub/Sub default (7 days)", async () => {
            for (const messageRetentionDuration of ["86400s", "1209600s", undefined]) {
                assert.deepEqual(await checkResource(retention, subscriptionType, { ...subscription, messageRetentionDuration }), { violations: [] });
            }
        });
        it("reports retention outside the bounds or unreadable", async () => {
            const fix = 'Set messageRetentionDuration between "86400s" and "1209600s".';
            const run = async (messageRetentionDuration: string) => (await checkResource(retention, subscriptionType, { ...subscription, messageRetentionDuration }, { name: "orders" })).violations;
            assert.deepEqual(await run("600s"), [`Pub/Sub subscription "orders" keeps messages for 10 minutes; allowed: 1 to 14 days. ${fix}`]);
            assert.deepEqual(await run("2678400s"), [`Pub/Sub subscription "orders" keeps messages for 31 days; allowed: 1 to 14 days. ${fix}`]);
            assert.deepEqual(await run("7d"), [`Pub/Sub subscription "orders" has an unreadable messageRetentionDuration "7d". ${fix}`]);
        });
        it("does not apply to other types", async () => {
            assert.equal((await checkResource(retention, "gcp:pubsub/topic:Topic", subscription)).notApplicable, onlySubscriptions);
        });
    });

    describe("gcp-pubsub-subscription-require-exactly-once-delivery", () => {
        it("accepts an ordered pull subscription with exactly-once delivery", async () => {
            assert.deepEqual(await checkResource(exactlyOnce, subscriptionType, subscription), { violations: [] });
        });
        it("reports an ordered pull subscription without it", async () => {
            assert.deepEqual((await checkResource(exactlyOnce, subscriptionType, { ...subscription, enableExactlyOnceDelivery: false }, { name: "orders" })).violations, [
                'Ordered Pub/Sub subscription "orders" may deliver a message twice. Set enableExactlyOnceDelivery: true.',
            ]);
        });
        it("does not apply to unordered or push subscriptions, or to other types", async () => {
            assert.equal((await checkResource(exactlyOnce, subscriptionType, { ...subscription, enableMessageOrdering: false, enableExactlyOnceDelivery: false })).notApplicable, "Not an ordered subscription");
            const push = { ...subscription, enableExactlyOnceDelivery: false, pushConfig: { pushEndpoint: "https://worker.run.app" } };
            assert.equal((await checkResource(exactlyOnce, subscriptionType, push)).notApplicable, "Push subscription: exactly-once delivery is pull-only");
            assert.equal((await checkResource(exactlyOnce, "gcp:pubsub/topic:Topic", subscription)).notApplicable, onlySubscriptions);
        });
    });

    describe("gcp-pubsub-subscription-require-authenticated-push", () => {
        const push = { ...subscription, pushConfig: { pushEndpoint: "https://worker-abc-ew.a.run.app", oidcToken: { serviceAccountEmail: "pusher@demo-project.iam.gserviceaccount.com" } } };
        it("accepts an HTTPS endpoint with an OIDC token", async () => {
            assert.deepEqual(await checkResource(authenticatedPush, subscriptionType, push), { violations: [] });
        });
        it("reports plain HTTP and a missing OIDC token, each on its own", async () => {
            assert.deepEqual((await checkResource(authenticatedPush, subscriptionType, { ...push, pushConfig: { ...push.pushConfig, pushEndpoint: "http://worker.example.com/" } }, { name: "orders" })).violations, [
                'Pub/Sub subscription "orders" pushes to "http://worker.example.com/" without TLS. Use an https:// pushEndpoint.',
            ]);
            assert.deepEqual((await checkResource(authenticatedPush, subscriptionType, { ...push, pushConfig: { pushEndpoint: "https://worker-abc-ew.a.run.app" } }, { name: "orders" })).violations, [
                'Pub/Sub subscription "orders" pushes unauthenticated requests. Set pushConfig.oidcToken.serviceAccountEmail (a service account the endpoint trusts, e.g. with roles/run.invoker).',
            ]);
        });
        it("does not apply to pull subscriptions or to other types", async () => {
            assert.equal((await checkResource(authenticatedPush, subscriptionType, subscription)).notApplicable, "Not a push subscription");
            assert.equal((await checkResource(authenticatedPush, "gcp:pubsub/topic:Topic", push)).notApplicable, onlySubscriptions);
        });
    });
});
