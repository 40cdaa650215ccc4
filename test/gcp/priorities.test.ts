import { strict as assert } from "node:assert";
import { GcpWebQueueWorker } from "../../components/gcp";
import { valueOf } from "../../components/testing/offline";
import { ofType, one } from "../helpers/resources";
import { byName, code, functionEnvironment, patternSpec, vmEnvironment } from "./patterns-fixtures";
import { runGcp } from "./offline-gcp";

const build = () => new GcpWebQueueWorker("shop", { spec: patternSpec, code });
const topic = (name: string) => `projects/demo-project/topics/shop-test-${name}`;
const subscription = (name: string) => `projects/demo-project/subscriptions/shop-test-${name}`;
const serviceAgent = "serviceAccount:service-123456789012@gcp-sa-pubsub.iam.gserviceaccount.com";

describe("gcp priorities", () => {
    it("gives every level its own topic, subscription and dead-letter topic, and the queue no unsuffixed ones", async () => {
        const { resources } = await runGcp(build);
        const subscriptions = byName(resources, "gcp:pubsub/subscription:Subscription");
        for (const level of ["scrape-high", "scrape-normal", "scrape-low", "render-high", "render-low"]) {
            const sub = subscriptions.get(`shop-test-${level}`);
            assert.equal(sub.topic, topic(level));
            assert.deepEqual(sub.deadLetterPolicy, { deadLetterTopic: topic(`${level}-dlq`), maxDeliveryAttempts: 5 });
            assert.equal(subscriptions.get(`shop-test-${level}-dlq`).topic, topic(`${level}-dlq`));
            assert.deepEqual(one(resources, "gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember", `shop-${level}-dlq-subscriber`).inputs, {
                subscription: `shop-test-${level}`,
                role: "roles/pubsub.subscriber",
                member: serviceAgent,
            });
        }
        const topics = ofType(resources, "gcp:pubsub/topic:Topic").map((r) => r.inputs.name);
        for (const absent of ["shop-test-scrape", "shop-test-render", "shop-test-scrape-dlq", "shop-test-render-dlq"]) {
            assert.equal(topics.includes(absent), false, absent);
            assert.equal(subscriptions.has(absent), false, absent);
        }
    });

    it("deploys one function per level, concurrency 10 split 6:2:2 by the 3:1:1 weights, each pushed by its own level", async () => {
        const { resources } = await runGcp(build);
        const functions = byName(resources, "gcp:cloudfunctionsv2/function:Function");
        const instances = ["high", "normal", "low"].map((level) => functions.get(`shop-test-scraper-${level}`).serviceConfig.maxInstanceCount);
        assert.deepEqual(instances, [6, 2, 2]);
        assert.equal(functions.has("shop-test-scraper"), false);
        const subscriptions = byName(resources, "gcp:pubsub/subscription:Subscription");
        for (const level of ["high", "normal", "low"]) {
            assert.deepEqual(subscriptions.get(`shop-test-scrape-${level}`).pushConfig, {
                pushEndpoint: `https://shop-test-scraper-${level}-abc123-ew.a.run.app`,
                oidcToken: { serviceAccountEmail: "shop-test-scraper-push@demo-project.iam.gserviceaccount.com", audience: `https://shop-test-scraper-${level}-abc123-ew.a.run.app` },
            });
            assert.equal(functionEnvironment(resources, `shop-test-scraper-${level}`).QUEUESTACK_QUEUE_NAME, "scrape");
        }
        assert.equal(ofType(resources, "gcp:serviceaccount/account:Account").filter((r) => String(r.inputs.accountId).startsWith("shop-test-scraper")).length, 2, "the levels share the two identities");
    });

    it("gives every level's function push headroom: 10 requests per instance, so each level takes a burst of 10 x its share", async () => {
        const { resources } = await runGcp(build);
        const functions = byName(resources, "gcp:cloudfunctionsv2/function:Function");
        const ackDeadline = byName(resources, "gcp:pubsub/subscription:Subscription").get("shop-test-scrape-high").ackDeadlineSeconds;
        assert.equal(ackDeadline, 180, "6 x the default 30 s processing time");
        const planned = ["high", "normal", "low"].map((level) => {
            const config = functions.get(`shop-test-scraper-${level}`).serviceConfig;
            const env = config.environmentVariables;
            return [level, config.maxInstanceCount, config.maxInstanceRequestConcurrency, config.availableCpu, config.timeoutSeconds, env.QUEUESTACK_WORKER_TIMEOUT_SECONDS, env.QUEUESTACK_PUSH_SLOTS, env.QUEUESTACK_PUSH_MAX_WAIT_SECONDS];
        });
        assert.deepEqual(planned, [
            ["high", 6, 10, "1", 180, "30", "1", "145"],
            ["normal", 2, 10, "1", 180, "30", "1", "145"],
            ["low", 2, 10, "1", 180, "30", "1", "145"],
        ]);
    });

    it("has the VM poller read every level by weight, promote after promoteAfterSeconds, and publish only to the levels above the lowest", async () => {
        const { resources } = await runGcp(build);
        const env = vmEnvironment(resources, "shop-renderer");
        assert.deepEqual(JSON.parse(env.get("QUEUESTACK_LEVELS")!), [
            { level: "high", weight: 2, subscriptions: [subscription("render-high")], topic: topic("render-high") },
            { level: "low", weight: 1, subscriptions: [subscription("render-low"), subscription("fanout-events-render-low")], topic: topic("render-low") },
        ]);
        assert.equal(env.get("QUEUESTACK_PROMOTE_AFTER_SECONDS"), "120");
        assert.equal(env.get("QUEUESTACK_CONCURRENCY"), "8");
        const member = "serviceAccount:shop-test-renderer-vm@demo-project.iam.gserviceaccount.com";
        const publishes = ofType(resources, "gcp:pubsub/topicIAMMember:TopicIAMMember").filter((r) => r.inputs.member === member).map((r) => r.inputs.topic);
        assert.deepEqual(publishes, ["shop-test-render-high"]);
        const consumes = ofType(resources, "gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember").filter((r) => r.inputs.member === member).map((r) => r.inputs.subscription);
        assert.deepEqual(consumes.sort(), ["shop-test-fanout-events-render-low", "shop-test-render-high", "shop-test-render-low"]);
        const metrics = (one(resources, "gcp:compute/regionAutoscaler:RegionAutoscaler", "shop-renderer-autoscaler").inputs as any).autoscalingPolicy.metrics;
        assert.deepEqual(metrics.map((m: any) => m.filter), [
            'resource.type = pubsub_subscription AND resource.labels.subscription_id = "shop-test-render-high"',
            'resource.type = pubsub_subscription AND resource.labels.subscription_id = "shop-test-render-low"',
            'resource.type = pubsub_subscription AND resource.labels.subscription_id = "shop-test-fanout-events-render-low"',
        ]);
    });

    it("a queue without levels keeps one level, no promotion grant and one backlog metric", async () => {
        const { resources } = await runGcp(build);
        const env = vmEnvironment(resources, "shop-auditor");
        assert.deepEqual(JSON.parse(env.get("QUEUESTACK_LEVELS")!), [{ weight: 1, subscriptions: [subscription("audit")], topic: topic("audit") }]);
        const member = "serviceAccount:shop-test-auditor-vm@demo-project.iam.gserviceaccount.com";
        assert.equal(ofType(resources, "gcp:pubsub/topicIAMMember:TopicIAMMember").filter((r) => r.inputs.member === member).length, 0);
        assert.equal((one(resources, "gcp:compute/regionAutoscaler:RegionAutoscaler", "shop-auditor-autoscaler").inputs as any).autoscalingPolicy.metrics.length, 1);
    });

    it("alarms every level, and answers the contract with the default level's subscriptions", async () => {
        const { resources, result } = await runGcp(build);
        const policies = ofType(resources, "gcp:monitoring/alertPolicy:AlertPolicy").map((r) => r.name).sort();
        for (const level of ["scrape-high", "scrape-normal", "scrape-low", "render-high", "render-low", "audit"]) {
            assert.ok(policies.includes(`shop-alarms-${level}-dead-letters`) && policies.includes(`shop-alarms-${level}-backlog-age`), level);
        }
        assert.equal(policies.includes("shop-alarms-scrape-dead-letters"), false);
        assert.equal(await valueOf(result.queues.scrape.id), subscription("scrape-normal"));
        assert.equal(await valueOf(result.queues.scrape.deadLetterId), subscription("scrape-normal-dlq"));
        assert.equal(await valueOf(result.queues.render.id), subscription("render-low"));
    });

    it("hands the front end each level's topic and the routing rules", async () => {
        const { resources } = await runGcp(build);
        const queues = JSON.parse(functionEnvironment(resources, "shop-test-front-end").QUEUESTACK_QUEUES);
        assert.deepEqual(queues.scrape, {
            levels: [{ level: "high", topic: topic("scrape-high") }, { level: "normal", topic: topic("scrape-normal") }, { level: "low", topic: topic("scrape-low") }],
            ordered: false,
            maxDelaySeconds: 0,
            maxMessageKb: 256,
            defaultLevel: "normal",
        });
        assert.deepEqual(queues.audit, { levels: [{ topic: topic("audit") }], ordered: true, maxDelaySeconds: 0, maxMessageKb: 256, groupKey: "body.account", deduplicationKey: "body.eventId" });
        assert.equal(queues.render.defaultLevel, "low");
    });
});
