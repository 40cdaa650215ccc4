import { strict as assert } from "node:assert";
import { Queue } from "../../components/gcp/queue";
import { serviceAgent } from "../../components/gcp/service-agents";
import { valueOf } from "../../components/testing/offline";
import { named, runGcp } from "./offline-gcp";

const pubsubAgentMember = "serviceAccount:service-123456789012@gcp-sa-pubsub.iam.gserviceaccount.com";

describe("gcp Queue", () => {
    it("creates a topic, its subscription, a dead-letter topic with its own subscription, and nothing else", async () => {
        const { resources } = await runGcp(() => new Queue("jobs", { queue: { name: "scrape" } }));
        assert.deepEqual(
            resources.map((r) => [r.type, r.name, r.parent ?? null]).sort(),
            [
                ["queuestack:gcp:Queue", "jobs", null],
                ["gcp:pubsub/topic:Topic", "jobs-dlq-topic", "jobs"],
                ["gcp:pubsub/subscription:Subscription", "jobs-dlq-subscription", "jobs"],
                ["gcp:pubsub/topic:Topic", "jobs-topic", "jobs"],
                ["gcp:pubsub/subscription:Subscription", "jobs-subscription", "jobs"],
                ["gcp:pubsub/topicIAMMember:TopicIAMMember", "jobs-dlq-publisher", "jobs"],
                ["gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember", "jobs-dlq-subscriber", "jobs"],
                ["gcp:projects/serviceIdentity:ServiceIdentity", "jobs-pubsub-agent", "jobs"],
            ].sort(),
        );
    });

    it("dead-letters after maxReceiveCount to the dead-letter topic, with ack deadline, retention and backoff in range", async () => {
        const { resources } = await runGcp(() => new Queue("jobs", { queue: { name: "scrape", processingTimeSeconds: 20, maxReceiveCount: 7, retentionDays: 3 } }));
        const subscription = named(resources, "jobs-subscription").inputs;
        assert.equal(subscription.name, "queuestack-test-scrape");
        assert.equal(subscription.topic, "projects/demo-project/topics/queuestack-test-scrape");
        assert.deepEqual(subscription.deadLetterPolicy, { deadLetterTopic: "projects/demo-project/topics/queuestack-test-scrape-dlq", maxDeliveryAttempts: 7 });
        assert.equal(subscription.ackDeadlineSeconds, 120);
        assert.equal(subscription.messageRetentionDuration, "259200s");
        assert.deepEqual(subscription.retryPolicy, { minimumBackoff: "10s", maximumBackoff: "600s" });
        assert.deepEqual(subscription.expirationPolicy, { ttl: "" });
        assert.equal(subscription.enableMessageOrdering, false);
        assert.equal(subscription.enableExactlyOnceDelivery, false);
        assert.equal(subscription.pushConfig, undefined);
    });

    it("keeps dead letters longer than the source, on a subscription that never expires", async () => {
        const { resources } = await runGcp(() => new Queue("jobs", { queue: { name: "scrape", retentionDays: 4, deadLetter: { retentionDays: 21 } } }));
        const dlq = named(resources, "jobs-dlq-subscription").inputs;
        assert.equal(dlq.topic, "projects/demo-project/topics/queuestack-test-scrape-dlq");
        assert.equal(dlq.messageRetentionDuration, `${21 * 86_400}s`);
        assert.deepEqual(dlq.expirationPolicy, { ttl: "" });
        assert.equal(dlq.deadLetterPolicy, undefined);
    });

    it("lets the Pub/Sub service agent publish to the dead-letter topic and subscribe to the source subscription, once the agent exists", async () => {
        const { resources } = await runGcp(() => new Queue("jobs", { queue: { name: "scrape" } }));
        assert.deepEqual(named(resources, "jobs-dlq-publisher").inputs, {
            topic: "queuestack-test-scrape-dlq",
            role: "roles/pubsub.publisher",
            member: pubsubAgentMember,
        });
        assert.deepEqual(named(resources, "jobs-dlq-subscriber").inputs, {
            subscription: "queuestack-test-scrape",
            role: "roles/pubsub.subscriber",
            member: pubsubAgentMember,
        });
        assert.deepEqual(named(resources, "jobs-pubsub-agent").inputs, { service: "pubsub.googleapis.com" });
        assert.ok(named(resources, "jobs-dlq-publisher").dependencies!.includes("jobs-pubsub-agent"));
        assert.ok(named(resources, "jobs-dlq-subscriber").dependencies!.includes("jobs-pubsub-agent"));
    });

    it("turns on ordering keys and exactly-once delivery for a fifo pull queue", async () => {
        const { resources } = await runGcp(() => new Queue("jobs", { queue: { name: "scrape", ordering: "fifo" } }));
        const subscription = named(resources, "jobs-subscription").inputs;
        assert.equal(subscription.enableMessageOrdering, true);
        assert.equal(subscription.enableExactlyOnceDelivery, true);
    });

    it("pushes with an OIDC token, and leaves exactly-once off (Pub/Sub supports it on pull only)", async () => {
        const push = { endpoint: "https://worker-abc-ew.a.run.app", serviceAccountEmail: "push@demo-project.iam.gserviceaccount.com" };
        const { resources } = await runGcp(() => new Queue("jobs", { queue: { name: "scrape", deduplication: "messageId" }, push, ackDeadlineSeconds: 300 }));
        const subscription = named(resources, "jobs-subscription").inputs;
        assert.deepEqual(subscription.pushConfig, {
            pushEndpoint: push.endpoint,
            oidcToken: { serviceAccountEmail: push.serviceAccountEmail, audience: push.endpoint },
        });
        assert.equal(subscription.ackDeadlineSeconds, 300);
        assert.equal(subscription.enableExactlyOnceDelivery, false);
    });

    it("caps the derived ack deadline at 600 s and keeps it at least 10 s", async () => {
        const long = await runGcp(() => new Queue("long", { queue: { name: "slow", processingTimeSeconds: 500 } }));
        assert.equal(named(long.resources, "long-subscription").inputs.ackDeadlineSeconds, 600);
        const short = await runGcp(() => new Queue("short", { queue: { name: "fast", processingTimeSeconds: 1 } }));
        assert.equal(named(short.resources, "short-subscription").inputs.ackDeadlineSeconds, 10);
    });

    it("uses a given service agent instead of provisioning its own", async () => {
        const { resources } = await runGcp(() => {
            const agent = serviceAgent("agent", "pubsub", {});
            return new Queue("jobs", { queue: { name: "scrape" }, pubsubAgent: agent });
        });
        assert.deepEqual(resources.filter((r) => r.type === "gcp:projects/serviceIdentity:ServiceIdentity").map((r) => r.name), ["agent"]);
        assert.equal(named(resources, "jobs-dlq-publisher").inputs.member, pubsubAgentMember);
        assert.deepEqual(named(resources, "jobs-dlq-publisher").dependencies, ["agent", "jobs-dlq-topic"]);
    });

    it("exposes subscription ids as outputs", async () => {
        const { result } = await runGcp(() => new Queue("jobs", { queue: { name: "scrape" } }));
        assert.equal(await valueOf(result.subscriptionId), "projects/demo-project/subscriptions/queuestack-test-scrape");
        assert.equal(await valueOf(result.deadLetterSubscriptionId), "projects/demo-project/subscriptions/queuestack-test-scrape-dlq");
        assert.equal(await valueOf(result.topicId), "projects/demo-project/topics/queuestack-test-scrape");
    });

    it("rejects attempts outside Pub/Sub's 5-100 before creating anything", async () => {
        const { resources } = await runGcp(() =>
            assert.throws(() => new Queue("jobs", { queue: { name: "scrape", maxReceiveCount: 3 } }), {
                message: 'Invalid queue "jobs" (1 problem):\n  maxReceiveCount: must be at least 5 on gcp (got 3). Raise it to 5 or more.',
            }),
        );
        assert.deepEqual(resources, []);
    });
});
