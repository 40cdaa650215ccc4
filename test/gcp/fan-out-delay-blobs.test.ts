import { strict as assert } from "node:assert";
import { GcpWebQueueWorker } from "../../components/gcp";
import { ofType, one } from "../helpers/resources";
import { byName, code, functionEnvironment, patternSpec } from "./patterns-fixtures";
import { runGcp, randomSuffix } from "./offline-gcp";

/** The Cloud Tasks queue's name: fresh per deployment, since a deleted queue's name stays taken for 7 days. */
const delayQueue = `shop-test-delay-${randomSuffix("shop-delay-queue-suffix")}`;
const build = (spec: object = patternSpec) => () => new GcpWebQueueWorker("shop", { spec: spec as typeof patternSpec, code });
const topic = (name: string) => `projects/demo-project/topics/shop-test-${name}`;
const serviceAgent = "serviceAccount:service-123456789012@gcp-sa-pubsub.iam.gserviceaccount.com";
const frontEnd = "serviceAccount:shop-test-front-end@demo-project.iam.gserviceaccount.com";
/** The pattern spec without fan-out, delays or the claim check. */
const plainSpec = {
    ...patternSpec,
    queues: patternSpec.queues.map((q) => ({ ...q, maxDelaySeconds: 0 })),
    topics: [],
    largeMessages: { enabled: false },
    frontEnd: { maxBodyKb: 256 },
};

describe("gcp fan-out topics", () => {
    it("subscribes each subscriber queue at its default level, dead-lettering to that level's dead-letter topic", async () => {
        const { resources } = await runGcp(build());
        assert.equal(one(resources, "gcp:pubsub/topic:Topic", "shop-fanout-events-topic").inputs.name, "shop-test-fanout-events");
        const subscriptions = byName(resources, "gcp:pubsub/subscription:Subscription");
        const scrape = subscriptions.get("shop-test-fanout-events-scrape-normal");
        assert.equal(scrape.topic, topic("fanout-events"));
        assert.deepEqual(scrape.deadLetterPolicy, { deadLetterTopic: topic("scrape-normal-dlq"), maxDeliveryAttempts: 5 });
        assert.deepEqual(scrape.pushConfig, {
            pushEndpoint: "https://shop-test-scraper-normal-abc123-ew.a.run.app",
            oidcToken: { serviceAccountEmail: "shop-test-scraper-push@demo-project.iam.gserviceaccount.com", audience: "https://shop-test-scraper-normal-abc123-ew.a.run.app" },
        });
        const render = subscriptions.get("shop-test-fanout-events-render-low");
        assert.deepEqual(render.deadLetterPolicy, { deadLetterTopic: topic("render-low-dlq"), maxDeliveryAttempts: 5 });
        assert.equal(render.pushConfig, undefined);
        assert.equal(render.ackDeadlineSeconds, subscriptions.get("shop-test-render-low").ackDeadlineSeconds);
        assert.deepEqual(render.expirationPolicy, { ttl: "" });
        assert.equal([...subscriptions.keys()].filter((n) => n.startsWith("shop-test-fanout")).length, 2);
        for (const name of ["shop-fanout-events-scrape-dlq-subscriber", "shop-fanout-events-render-dlq-subscriber"]) {
            assert.deepEqual(one(resources, "gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember", name).inputs.member, serviceAgent);
        }
    });

    it("alarms each fan-out subscription's backlog age and dead letters", async () => {
        const { resources } = await runGcp(build());
        const policies = new Map(ofType(resources, "gcp:monitoring/alertPolicy:AlertPolicy").map((r) => [r.name, r.inputs as any]));
        const age = policies.get("shop-alarms-events-to-render-backlog-age");
        assert.equal(age.conditions[0].conditionThreshold.filter, 'metric.type="pubsub.googleapis.com/subscription/oldest_unacked_message_age" AND resource.type="pubsub_subscription" AND resource.label.subscription_id="shop-test-fanout-events-render-low"');
        const deadLetters = policies.get("shop-alarms-events-to-scrape-dead-letters");
        assert.equal(deadLetters.conditions[1].conditionThreshold.filter, 'metric.type="pubsub.googleapis.com/subscription/num_undelivered_messages" AND resource.type="pubsub_subscription" AND resource.label.subscription_id="shop-test-scrape-normal-dlq"');
    });

    it("lets the front end publish to the topic, and tells it the topic's ordering and smallest body limit", async () => {
        const { resources } = await runGcp(build());
        assert.deepEqual(one(resources, "gcp:pubsub/topicIAMMember:TopicIAMMember", "shop-front-end-publish-topic-events").inputs, {
            topic: "shop-test-fanout-events",
            role: "roles/pubsub.publisher",
            member: frontEnd,
        });
        assert.deepEqual(JSON.parse(functionEnvironment(resources, "shop-test-front-end").QUEUESTACK_TOPICS), {
            events: { topic: topic("fanout-events"), ordered: false, maxMessageKb: 128 },
        });
    });

    it("creates no fan-out topic or subscription without topics", async () => {
        const { resources } = await runGcp(build(plainSpec));
        assert.equal(resources.filter((r) => r.type === "queuestack:gcp:FanOutTopic" || String(r.inputs.name).includes("fanout")).length, 0);
        assert.equal(functionEnvironment(resources, "shop-test-front-end").QUEUESTACK_TOPICS, "{}");
    });
});

describe("gcp delay scheduler", () => {
    it("creates a Cloud Tasks queue with bounded retries and rate limits", async () => {
        const { resources } = await runGcp(build());
        assert.deepEqual(one(resources, "gcp:cloudtasks/queue:Queue").inputs, {
            name: delayQueue,
            location: "europe-west1",
            rateLimits: { maxDispatchesPerSecond: 500, maxConcurrentDispatches: 100 },
            retryConfig: { maxAttempts: 100, maxRetryDuration: "86400s", minBackoff: "1s", maxBackoff: "300s", maxDoublings: 8 },
            stackdriverLoggingConfig: { samplingRatio: 1 },
        });
        assert.ok(ofType(resources, "gcp:projects/service:Service").some((r) => r.inputs.service === "cloudtasks.googleapis.com"));
    });

    it("lets its account publish to the delayed queue's level topics only, and the front end create tasks and act as that account only", async () => {
        const { resources } = await runGcp(build());
        const delay = "serviceAccount:shop-test-delay@demo-project.iam.gserviceaccount.com";
        const publishes = ofType(resources, "gcp:pubsub/topicIAMMember:TopicIAMMember").filter((r) => r.inputs.member === delay).map((r) => [r.inputs.topic, r.inputs.role]);
        assert.deepEqual(publishes, [["shop-test-render-high", "roles/pubsub.publisher"], ["shop-test-render-low", "roles/pubsub.publisher"]]);
        assert.deepEqual(one(resources, "gcp:cloudtasks/queueIamMember:QueueIamMember").inputs, { name: delayQueue, location: "europe-west1", role: "roles/cloudtasks.enqueuer", member: frontEnd });
        assert.deepEqual(one(resources, "gcp:serviceaccount/iAMMember:IAMMember", "shop-front-end-delay-act-as").inputs, {
            serviceAccountId: "projects/demo-project/serviceAccounts/shop-test-delay@demo-project.iam.gserviceaccount.com",
            role: "roles/iam.serviceAccountUser",
            member: frontEnd,
        });
        assert.deepEqual(JSON.parse(functionEnvironment(resources, "shop-test-front-end").QUEUESTACK_DELAY), {
            queue: `projects/demo-project/locations/europe-west1/queues/${delayQueue}`,
            serviceAccountEmail: "shop-test-delay@demo-project.iam.gserviceaccount.com",
        });
    });

    it("creates no queue, account, grant or API without delays", async () => {
        const { resources } = await runGcp(build(plainSpec));
        assert.equal(resources.filter((r) => r.type.startsWith("gcp:cloudtasks/") || r.type === "queuestack:gcp:DelayScheduler" || r.name.includes("delay")).length, 0);
        assert.equal(ofType(resources, "gcp:projects/service:Service").some((r) => r.inputs.service === "cloudtasks.googleapis.com"), false);
        assert.equal(functionEnvironment(resources, "shop-test-front-end").QUEUESTACK_DELAY, undefined);
    });
});

describe("gcp large messages", () => {
    it("keeps bodies in a private bucket that deletes them after largeMessageExpireDays", async () => {
        const { resources } = await runGcp(build());
        assert.deepEqual(one(resources, "gcp:storage/bucket:Bucket", "shop-large-messages-bucket").inputs, {
            name: "shop-test-demo-project-bodies",
            location: "europe-west1",
            uniformBucketLevelAccess: true,
            publicAccessPrevention: "enforced",
            forceDestroy: true,
            lifecycleRules: [{ action: { type: "Delete" }, condition: { age: 20 } }], // a 1-day delay + 4 days of retention + 14 in the DLQ + 1
            labels: { "queuestack-role": "large-messages", "queuestack-stack": "shop", "queuestack-claim-check": "true" },
        });
    });

    it("lets the front end create objects and each worker view them, on that bucket only, and tells them where it is", async () => {
        const { resources } = await runGcp(build());
        const grants = ofType(resources, "gcp:storage/bucketIAMMember:BucketIAMMember").filter((r) => r.inputs.bucket === "shop-test-demo-project-bodies");
        assert.deepEqual(grants.map((g) => [g.inputs.member, g.inputs.role, g.inputs.condition]).sort(), [
            ["serviceAccount:shop-test-auditor-vm@demo-project.iam.gserviceaccount.com", "roles/storage.objectViewer", undefined],
            ["serviceAccount:shop-test-front-end@demo-project.iam.gserviceaccount.com", "roles/storage.objectCreator", undefined],
            ["serviceAccount:shop-test-renderer-vm@demo-project.iam.gserviceaccount.com", "roles/storage.objectViewer", undefined],
            ["serviceAccount:shop-test-scraper-fn@demo-project.iam.gserviceaccount.com", "roles/storage.objectViewer", undefined],
        ]);
        assert.equal(functionEnvironment(resources, "shop-test-front-end").QUEUESTACK_BLOB_BUCKET, "shop-test-demo-project-bodies");
        assert.equal(functionEnvironment(resources, "shop-test-scraper-low").QUEUESTACK_BLOB_BUCKET, "shop-test-demo-project-bodies");
    });

    it("creates no bucket or grant with the claim check off", async () => {
        const { resources } = await runGcp(build(plainSpec));
        assert.equal(resources.filter((r) => r.type === "queuestack:gcp:LargeMessageBucket" || r.name.includes("bodies")).length, 0);
        assert.equal(functionEnvironment(resources, "shop-test-front-end").QUEUESTACK_BLOB_BUCKET, undefined);
    });
});

describe("gcp request-response", () => {
    it("gives the front end the wait limit and a timeout 10 s beyond it", async () => {
        const { resources } = await runGcp(build());
        const fn = byName(resources, "gcp:cloudfunctionsv2/function:Function").get("shop-test-front-end");
        assert.equal(fn.serviceConfig.environmentVariables.QUEUESTACK_MAX_WAIT_SECONDS, "20");
        assert.equal(fn.serviceConfig.timeoutSeconds, 30);
    });
});
