import * as assert from "node:assert/strict";
import { gcpPubsubConsumerRequireIdempotencyStore as idempotency } from "../../policies/stack/gcp-pubsub-consumer-require-idempotency-store";
import { gcpPubsubDeadLetterSubscriptionRequireDepthAlarm as depthAlarm } from "../../policies/stack/gcp-pubsub-dead-letter-subscription-require-depth-alarm";
import { gcpPubsubDeadLetterSubscriptionRequireLongerRetention as longerRetention } from "../../policies/stack/gcp-pubsub-dead-letter-subscription-require-longer-retention";
import { gcpPubsubDeadLetterTopicRequireServiceAgentRoles as agentRoles } from "../../policies/stack/gcp-pubsub-dead-letter-topic-require-service-agent-roles";
import { gcpPubsubDeadLetterTopicRequireSubscription as dltSubscription } from "../../policies/stack/gcp-pubsub-dead-letter-topic-require-subscription";
import { gcpPubsubSubscriptionRequireAckDeadlineAboveWorkerTimeout as ackDeadline } from "../../policies/stack/gcp-pubsub-subscription-require-ack-deadline-above-worker-timeout";
import { gcpPubsubSubscriptionRequireBacklogAgeAlarm as backlogAlarm } from "../../policies/stack/gcp-pubsub-subscription-require-backlog-age-alarm";
import { gcpPubsubSubscriptionRequireDeadLetterPolicy as requireDlq } from "../../policies/stack/gcp-pubsub-subscription-require-dead-letter-policy";
import { compliantGcpStack, gcpInstanceGroupWorker } from "./fixtures-gcp-azure";
import { checkStack, stackResource, withChange, without } from "./helpers";

const stack = compliantGcpStack();
const allGcpStackPolicies = [requireDlq, dltSubscription, agentRoles, longerRetention, ackDeadline, depthAlarm, backlogAlarm, idempotency];
const run = async (policy: (typeof allGcpStackPolicies)[number], resources: typeof stack) => (await checkStack(policy, resources)).violations;
const agent = "serviceAccount:service-<project number>@gcp-sa-pubsub.iam.gserviceaccount.com";

describe("policies/stack (gcp)", () => {
    it("a compliant hand-written stack passes every GCP stack policy", async () => {
        for (const policy of allGcpStackPolicies) assert.deepEqual(await checkStack(policy, stack), { violations: [] }, policy.name);
    });

    it("no GCP stack policy applies to a stack without Pub/Sub", async () => {
        const sqsOnly = [stackResource("aws:sqs/queue:Queue", "q", { name: "q" })];
        for (const policy of allGcpStackPolicies) assert.equal((await checkStack(policy, sqsOnly)).notApplicable !== undefined, true, policy.name);
    });

    it("gcp-pubsub-subscription-require-dead-letter-policy reports a work subscription without one", async () => {
        const changed = withChange(stack, "orders", (o) => ({ ...o, deadLetterPolicy: undefined }));
        assert.deepEqual((await run(requireDlq, changed)).filter((v) => v.startsWith("orders:")), [
            'orders: Pub/Sub subscription "orders" has no dead-letter policy: a failing message is redelivered until retention drops it. Create a dead-letter topic with its own subscription and set deadLetterPolicy: { deadLetterTopic: <topic id>, maxDeliveryAttempts: 5 }.',
        ]);
    });

    it("gcp-pubsub-dead-letter-topic-require-subscription reports a dead-letter topic nobody subscribes to", async () => {
        assert.deepEqual(await run(dltSubscription, without(stack, "orders-dlq")), [
            'orders: Dead-letter topic "orders-dlq" of Pub/Sub subscription "orders" has no subscription, so dead-lettered messages are dropped. Add a gcp.pubsub.Subscription on topic "orders-dlq" (retention longer than the source\'s).',
        ]);
    });

    it("gcp-pubsub-dead-letter-topic-require-service-agent-roles reports each missing binding", async () => {
        assert.deepEqual(await run(agentRoles, without(stack, "dlq-publisher")), [
            `orders: The Pub/Sub service agent may not publish to dead-letter topic "orders-dlq" of subscription "orders", so nothing is dead-lettered. Add a gcp.pubsub.TopicIAMMember: topic "orders-dlq", role "roles/pubsub.publisher", member "${agent}".`,
        ]);
        assert.deepEqual(await run(agentRoles, withChange(stack, "dlq-subscriber", (o) => ({ ...o, member: "serviceAccount:worker@demo-project.iam.gserviceaccount.com" }))), [
            `orders: The Pub/Sub service agent may not acknowledge messages of subscription "orders" after dead-lettering them. Add a gcp.pubsub.SubscriptionIAMMember: subscription "orders", role "roles/pubsub.subscriber", member "${agent}".`,
        ]);
    });

    it("gcp-pubsub-dead-letter-subscription-require-longer-retention reports a dead-letter subscription that keeps messages no longer", async () => {
        assert.deepEqual(await run(longerRetention, withChange(stack, "orders-dlq", (o) => ({ ...o, messageRetentionDuration: "345600s" }))), [
            'orders-dlq: Dead-letter subscription "orders-dlq" keeps messages for 4 days, no longer than its source Pub/Sub subscription "orders" (4 days). Set its messageRetentionDuration above "345600s" (at most "2678400s"), or shorten the source\'s.',
        ]);
    });

    it("gcp-pubsub-subscription-require-ack-deadline-above-worker-timeout reports a short ack deadline, using Pub/Sub's default of 10 s", async () => {
        assert.deepEqual(await run(ackDeadline, withChange(stack, "orders", (o) => ({ ...o, ackDeadlineSeconds: undefined }))), [
            'orders: Pub/Sub subscription "orders" has an ack deadline of 10 s, below 6 x the 30 s timeout of Cloud Function "worker" that consumes it. Set ackDeadlineSeconds to at least 180.',
        ]);
        const slow = withChange(stack, "worker", (o) => ({ ...o, serviceConfig: { ...o.serviceConfig, timeoutSeconds: 540 } }));
        assert.deepEqual(await run(ackDeadline, slow), [
            'orders: Pub/Sub subscription "orders" has an ack deadline of 180 s, below 6 x the 540 s timeout of Cloud Function "worker" that consumes it. Set ackDeadlineSeconds to at least 600.',
        ]);
    });

    it("gcp-pubsub-subscription-require-ack-deadline-above-worker-timeout judges a function that lets deliveries wait by its message timeout (QUEUESTACK_WORKER_TIMEOUT_SECONDS)", async () => {
        const waiting = (environmentVariables: Record<string, string>) =>
            withChange(stack, "worker", (o) => ({ ...o, serviceConfig: { ...o.serviceConfig, timeoutSeconds: 180, environmentVariables: { ...o.serviceConfig.environmentVariables, ...environmentVariables } } }));
        assert.deepEqual(await run(ackDeadline, waiting({ QUEUESTACK_WORKER_TIMEOUT_SECONDS: "30" })), [], "a 180 s request that runs a 30 s message: 180 >= 6 x 30");
        assert.deepEqual(await run(ackDeadline, waiting({ QUEUESTACK_WORKER_TIMEOUT_SECONDS: "40" })), [
            'orders: Pub/Sub subscription "orders" has an ack deadline of 180 s, below 6 x the 40 s timeout of Cloud Function "worker" that consumes it. Set ackDeadlineSeconds to at least 240.',
        ]);
        const expected = ['orders: Pub/Sub subscription "orders" has an ack deadline of 180 s, below 6 x the 180 s timeout of Cloud Function "worker" that consumes it. Set ackDeadlineSeconds to at least 600.'];
        assert.deepEqual(await run(ackDeadline, waiting({})), expected, "without the variable the function's timeout is the attempt length");
        assert.deepEqual(await run(ackDeadline, waiting({ QUEUESTACK_WORKER_TIMEOUT_SECONDS: "900" })), expected, "a message timeout above the function's is cut by the function's");
        assert.deepEqual(await run(ackDeadline, waiting({ QUEUESTACK_WORKER_TIMEOUT_SECONDS: "soon" })), expected, "a value that is no whole number of seconds is ignored");
    });

    it("gcp-pubsub-dead-letter-subscription-require-depth-alarm accepts either metric and reports neither", async () => {
        const viaBacklog = withChange(stack, "orders-dead-letters", (o) => ({
            ...o,
            conditions: [{ conditionThreshold: { filter: 'metric.type="pubsub.googleapis.com/subscription/num_undelivered_messages" AND resource.label.subscription_id="orders-dlq"' } }],
        }));
        assert.deepEqual(await run(depthAlarm, viaBacklog), []);
        const expected = ['orders: Pub/Sub subscription "orders" dead-letters without an alert: failed messages go unnoticed until they expire. Add a gcp.monitoring.AlertPolicy with notificationChannels on pubsub.googleapis.com/subscription/dead_letter_message_count for subscription_id="orders" (or num_undelivered_messages of its dead-letter subscription).'];
        assert.deepEqual(await run(depthAlarm, without(stack, "orders-dead-letters")), expected);
        assert.deepEqual(await run(depthAlarm, withChange(stack, "orders-dead-letters", (o) => ({ ...o, notificationChannels: [] }))), expected);
    });

    it("gcp-pubsub-subscription-require-backlog-age-alarm reports a work subscription without one (a similarly named subscription does not count)", async () => {
        const expected = ['orders: Pub/Sub subscription "orders" has no backlog-age alert. Add a gcp.monitoring.AlertPolicy with notificationChannels on pubsub.googleapis.com/subscription/oldest_unacked_message_age for subscription_id="orders", at your backlog SLA.'];
        assert.deepEqual(await run(backlogAlarm, without(stack, "orders-backlog-age")), expected);
        const prefixOnly = withChange(stack, "orders-backlog-age", (o) => ({ ...o, conditions: [{ conditionThreshold: { filter: 'metric.type="pubsub.googleapis.com/subscription/oldest_unacked_message_age" AND resource.label.subscription_id="orders-v2"' } }] }));
        assert.deepEqual(await run(backlogAlarm, prefixOnly), expected);
    });

    it("gcp-pubsub-consumer-require-idempotency-store reports each missing piece", async () => {
        const noEnv = withChange(stack, "worker", (o) => ({ ...o, serviceConfig: { ...o.serviceConfig, environmentVariables: {} } }));
        assert.deepEqual(await run(idempotency, noEnv), [], "a writable database with a TTL field is recognised without a declaration");
        assert.deepEqual(await run(idempotency, without(noEnv, "worker-datastore")), [
            'worker: Cloud Function "worker" consumes Pub/Sub subscription "orders" (at-least-once delivery) and shows no idempotency guard: no Firestore database with a TTL field in this stack that its service account may write (roles/datastore.user), and no declaration. ' +
                'Guard the handler with such a store, or declare it: label the function "queuestack-idempotency" = <store name> (checked like QUEUESTACK_IDEMPOTENCY_STORE), or "external" when the store is outside this stack or the handler is idempotent by design; ' +
                'or list "worker" in idempotentConsumers of the gcp-pubsub-consumer-require-idempotency-store policy config.',
        ]);
        assert.deepEqual(await run(idempotency, withChange(without(noEnv, "worker-datastore"), "worker", (o) => ({ ...o, labels: { "queuestack-idempotency": "jobs" } }))), [
            'worker: Cloud Function "worker" may not write its idempotency store "jobs": serviceAccount:worker@demo-project.iam.gserviceaccount.com has no roles/datastore.user grant in this stack. Grant roles/datastore.user to its service account (conditioned on the database if you like).',
        ]);
        assert.deepEqual(await run(idempotency, without(stack, "jobs")), [
            'worker: Cloud Function "worker" declares idempotency store "jobs", but no Firestore database named "jobs" is in this stack. Create it with a TTL field, or correct QUEUESTACK_IDEMPOTENCY_STORE.',
        ]);
        assert.deepEqual(await run(idempotency, without(stack, "jobs-ttl")), [
            'worker: Firestore database "jobs", the idempotency store of Cloud Function "worker", never expires its records. Add a gcp.firestore.Field with ttlConfig: {} on the expiry field of its idempotency collection.',
        ]);
        assert.deepEqual(await run(idempotency, withChange(stack, "worker-datastore", (o) => ({ ...o, role: "roles/datastore.viewer" }))), [
            'worker: Cloud Function "worker" may not write its idempotency store "jobs": serviceAccount:worker@demo-project.iam.gserviceaccount.com has no roles/datastore.user grant in this stack. Grant roles/datastore.user to its service account (conditioned on the database if you like).',
        ]);
    });

    it("gcp-pubsub-consumer-require-idempotency-store follows an autoscaled instance group to its template", async () => {
        assert.deepEqual(await run(idempotency, [...stack, ...gcpInstanceGroupWorker()]), []);
        assert.deepEqual(await run(idempotency, [...stack, ...gcpInstanceGroupWorker({})]), []);
        assert.deepEqual(await run(idempotency, without([...stack, ...gcpInstanceGroupWorker()], "vm-datastore")), [
            'vm-template: instance template "vm-template" may not write its idempotency store "jobs": serviceAccount:vm@demo-project.iam.gserviceaccount.com has no roles/datastore.user grant in this stack. Grant roles/datastore.user to its service account (conditioned on the database if you like).',
        ]);
    });
});
