import { strict as assert } from "node:assert";
import { type GcpCodeSource, GcpWebQueueWorker } from "../../components/gcp";
import { cloudLimits } from "../../components/spec";
import { type PlannedResource, valueOf } from "../../components/testing/offline";
import { ofType, one } from "../helpers/resources";
import { everyCloudSpec } from "../helpers/specs";
import { randomSuffix, runGcp } from "./offline-gcp";

/** The shared spec, with 10 delivery attempts on the FIFO queue to check a non-default value. */
const spec = { ...everyCloudSpec, queues: [everyCloudSpec.queues[0], { ...everyCloudSpec.queues[1], maxReceiveCount: 10 }] };
/** Stand-in bundles: the stack test checks wiring, the bundler has its own tests. */
const code: GcpCodeSource = {
    pushWorker: (module) => `// push worker for ${module}`,
    frontEnd: () => "// front end",
    vmPoller: (module) => `// poller for ${module}`,
};
const build = () => new GcpWebQueueWorker("portfolio", { spec, code });
/** The Firestore database's name: fresh per deployment (a kept database never blocks a redeploy). */
const database = `portfolio-test-data-${randomSuffix("portfolio-datastore-database-suffix")}`;
const serviceAgent = "serviceAccount:service-123456789012@gcp-sa-pubsub.iam.gserviceaccount.com";
const subscriptions = (resources: PlannedResource[]) => new Map(ofType(resources, "gcp:pubsub/subscription:Subscription").map((r) => [r.inputs.name as string, r.inputs as any]));

describe("gcp GcpWebQueueWorker", () => {
    it("composes the roles as components under the stack, each resource under its role", async () => {
        const { resources } = await runGcp(build);
        const components = resources.filter((r) => !r.custom).map((r) => [r.type, r.name, r.parent ?? null]).sort();
        assert.deepEqual(components, [
            ["queuestack:gcp:Alarms", "portfolio-alarms", "portfolio"],
            ["queuestack:gcp:Dashboard", "portfolio-dashboard", "portfolio"],
            ["queuestack:gcp:Datastore", "portfolio-datastore", "portfolio"],
            ["queuestack:gcp:FrontEnd", "portfolio-front-end", "portfolio"],
            ["queuestack:gcp:FunctionBuild", "portfolio-build", "portfolio"],
            ["queuestack:gcp:FunctionWorker", "portfolio-scraper", "portfolio"],
            ["queuestack:gcp:Network", "portfolio-network", "portfolio"],
            ["queuestack:gcp:Queue", "portfolio-publish", "portfolio"],
            ["queuestack:gcp:Queue", "portfolio-scrape", "portfolio"],
            ["queuestack:gcp:RequiredApis", "portfolio-apis", "portfolio"],
            ["queuestack:gcp:ServiceAgents", "portfolio-service-agents", "portfolio"],
            ["queuestack:gcp:SourceBucket", "portfolio-source", "portfolio"],
            ["queuestack:gcp:VmWorker", "portfolio-publisher", "portfolio"],
            ["queuestack:gcp:WebQueueWorker", "portfolio", null],
        ]);
        for (const resource of resources.filter((r) => r.custom)) {
            assert.ok(resource.parentType?.startsWith("queuestack:gcp:") && resource.parentType !== "queuestack:gcp:WebQueueWorker", `${resource.name} sits in a role (got ${resource.parentType})`);
        }
    });

    it("provisions the Pub/Sub and Monitoring service agents once, after the APIs, and grants them roles only once they exist", async () => {
        const { resources } = await runGcp(build);
        const agents = ofType(resources, "gcp:projects/serviceIdentity:ServiceIdentity");
        assert.deepEqual(agents.map((r) => [r.name, r.inputs.service]), [
            ["portfolio-service-agents-pubsub", "pubsub.googleapis.com"],
            ["portfolio-service-agents-monitoring-notification", "monitoring.googleapis.com"],
        ]);
        for (const agent of agents) assert.ok(agent.dependencies!.includes("portfolio-apis-pubsub") && agent.dependencies!.includes("portfolio-apis-monitoring"), `${agent.name} waits for the APIs`);
        const agentBindings = resources.filter((r) => typeof r.inputs.member === "string" && (r.inputs.member as string).includes("@gcp-sa-"));
        assert.equal(agentBindings.length, 6, agentBindings.map((r) => r.name).join(", "));
        for (const binding of agentBindings) {
            const agent = (binding.inputs.member as string).includes("monitoring-notification") ? "portfolio-service-agents-monitoring-notification" : "portfolio-service-agents-pubsub";
            assert.ok(binding.dependencies!.includes(agent), `${binding.name} is created after ${agent} (depends on ${binding.dependencies})`);
        }
    });

    it("builds every function, front end included, as the stack's build account into its own repository", async () => {
        const { resources } = await runGcp(build);
        const functions = ofType(resources, "gcp:cloudfunctionsv2/function:Function");
        assert.equal(functions.length, 2);
        for (const fn of functions) {
            const config = (fn.inputs as any).buildConfig;
            assert.equal(config.serviceAccount, "projects/demo-project/serviceAccounts/portfolio-test-build@demo-project.iam.gserviceaccount.com", fn.name);
            assert.equal(config.dockerRepository, "projects/demo-project/locations/europe-west1/repositories/portfolio-test-functions", fn.name);
            assert.equal(config.runtime, "nodejs24");
        }
    });

    it("gives the function worker push headroom: 10 requests per instance on a whole vCPU, the request living to the ack deadline, a delivery waiting at most ack - timeout - 5 s", async () => {
        const { resources } = await runGcp(build);
        const functions = new Map(ofType(resources, "gcp:cloudfunctionsv2/function:Function").map((fn) => [fn.inputs.name as string, (fn.inputs as any).serviceConfig]));
        const scraper = functions.get("portfolio-test-scraper");
        assert.deepEqual(
            [scraper.maxInstanceCount, scraper.maxInstanceRequestConcurrency, scraper.availableCpu, scraper.availableMemory, scraper.timeoutSeconds],
            [5, 10, "1", "512Mi", 180],
        );
        const env = scraper.environmentVariables;
        assert.deepEqual(
            [env.QUEUESTACK_WORKER_TIMEOUT_SECONDS, env.QUEUESTACK_ACK_DEADLINE_SECONDS, env.QUEUESTACK_PUSH_SLOTS, env.QUEUESTACK_PUSH_MAX_WAIT_SECONDS],
            ["30", "180", "1", "145"],
            "30 s message, 180 s ack deadline: a delivery waits at most 145 s, so wait + run + 5 s fits the deadline",
        );
        assert.equal(subscriptions(resources).get("portfolio-test-scrape").ackDeadlineSeconds, 180);
    });

    it("exposes the contract outputs: front-end URL, subscription ids, Firestore database, alarm channel", async () => {
        const { result } = await runGcp(build);
        assert.equal(await valueOf(result.frontEndUrl), "https://europe-west1-demo-project.cloudfunctions.net/portfolio-test-front-end");
        assert.deepEqual(Object.keys(result.queues).sort(), ["publish", "scrape"]);
        assert.equal(await valueOf(result.queues.scrape.id), "projects/demo-project/subscriptions/portfolio-test-scrape");
        assert.equal(await valueOf(result.queues.scrape.deadLetterId), "projects/demo-project/subscriptions/portfolio-test-scrape-dlq");
        assert.equal(await valueOf(result.queues.publish.id), "projects/demo-project/subscriptions/portfolio-test-publish");
        assert.equal(await valueOf(result.queues.publish.deadLetterId), "projects/demo-project/subscriptions/portfolio-test-publish-dlq");
        assert.equal(await valueOf(result.datastoreName), database);
        assert.equal(await valueOf(result.alarmTopic), "projects/demo-project/notificationChannels/portfolio-alarms-topic-channel");
        assert.equal(await valueOf(result.apiKeySecretId!), "projects/demo-project/secrets/portfolio-test-api-key");
    });

    it("gives every queue a dead-letter subscription and the two service-agent grants on the right topic and subscription", async () => {
        const { resources } = await runGcp(build);
        const subs = subscriptions(resources);
        for (const queue of ["scrape", "publish"]) {
            const dlq = subs.get(`portfolio-test-${queue}-dlq`);
            assert.equal(dlq?.topic, `projects/demo-project/topics/portfolio-test-${queue}-dlq`);
            assert.equal(subs.get(`portfolio-test-${queue}`)?.deadLetterPolicy.deadLetterTopic, `projects/demo-project/topics/portfolio-test-${queue}-dlq`);
            assert.deepEqual(one(resources, "gcp:pubsub/topicIAMMember:TopicIAMMember", `portfolio-${queue}-dlq-publisher`).inputs, {
                topic: `portfolio-test-${queue}-dlq`,
                role: "roles/pubsub.publisher",
                member: serviceAgent,
            });
            assert.deepEqual(one(resources, "gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember", `portfolio-${queue}-dlq-subscriber`).inputs, {
                subscription: `portfolio-test-${queue}`,
                role: "roles/pubsub.subscriber",
                member: serviceAgent,
            });
        }
        assert.equal(subs.size, 4);
    });

    it("keeps ack deadlines, retention and delivery attempts within Pub/Sub's ranges", async () => {
        const { resources } = await runGcp(build);
        const { min, max } = cloudLimits.gcp.visibilityTimeoutSeconds;
        const seconds = (duration: string) => Number(duration.replace(/s$/, ""));
        for (const [name, sub] of subscriptions(resources)) {
            const retention = seconds(sub.messageRetentionDuration);
            assert.ok(retention >= 600 && retention <= 31 * 86_400, `${name} retention ${retention}`);
            if (name.endsWith("-dlq")) continue;
            assert.ok(sub.ackDeadlineSeconds >= min && sub.ackDeadlineSeconds <= max, `${name} ack deadline ${sub.ackDeadlineSeconds}`);
            assert.ok(sub.deadLetterPolicy.maxDeliveryAttempts >= 5 && sub.deadLetterPolicy.maxDeliveryAttempts <= 100);
        }
        const scrape = subscriptions(resources).get("portfolio-test-scrape");
        assert.equal(scrape.ackDeadlineSeconds, 180); // 6 x the 30 s worker timeout
        assert.equal(subscriptions(resources).get("portfolio-test-publish").deadLetterPolicy.maxDeliveryAttempts, 10);
    });

    it("pushes the function worker's queue to its URL with its push identity, and leaves the VM worker's queue on pull with ordering and exactly-once", async () => {
        const { resources } = await runGcp(build);
        const scrape = subscriptions(resources).get("portfolio-test-scrape");
        assert.deepEqual(scrape.pushConfig, {
            pushEndpoint: "https://portfolio-test-scraper-abc123-ew.a.run.app",
            oidcToken: { serviceAccountEmail: "portfolio-test-scraper-push@demo-project.iam.gserviceaccount.com", audience: "https://portfolio-test-scraper-abc123-ew.a.run.app" },
        });
        const publish = subscriptions(resources).get("portfolio-test-publish");
        assert.equal(publish.pushConfig, undefined);
        assert.equal(publish.enableMessageOrdering, true);
        assert.equal(publish.enableExactlyOnceDelivery, true);
    });

    it("grants project-wide roles only as Firestore access on the stack's database, and the build's logs and function-source buckets", async () => {
        const { resources } = await runGcp(build);
        const projectGrants = ofType(resources, "gcp:projects/iAMMember:IAMMember").map((r) => r.inputs as any);
        assert.deepEqual(projectGrants.map((g) => [g.member, g.role]).sort(), [
            ["serviceAccount:portfolio-test-build@demo-project.iam.gserviceaccount.com", "roles/logging.logWriter"],
            ["serviceAccount:portfolio-test-build@demo-project.iam.gserviceaccount.com", "roles/storage.objectAdmin"],
            ["serviceAccount:portfolio-test-front-end@demo-project.iam.gserviceaccount.com", "roles/datastore.viewer"],
            ["serviceAccount:portfolio-test-publisher-vm@demo-project.iam.gserviceaccount.com", "roles/datastore.user"],
            ["serviceAccount:portfolio-test-scraper-fn@demo-project.iam.gserviceaccount.com", "roles/datastore.user"],
        ]);
        for (const grant of projectGrants.filter((g) => g.role.startsWith("roles/datastore."))) assert.match(grant.condition.expression, new RegExp(`^resource\\.name == "projects/demo-project/databases/${database}" \\|\\| `));
        assert.equal(projectGrants.find((g) => g.role === "roles/storage.objectAdmin").condition.expression, 'resource.name.startsWith("projects/_/buckets/gcf-v2-sources-")');
        assert.equal(projectGrants.find((g) => g.role === "roles/logging.logWriter").condition, undefined);
        const everyRole = resources.filter((r) => /IAMMember|IamMember|IAMBinding|IamBinding|IAMPolicy|IamPolicy/.test(r.type)).map((r) => r.inputs.role);
        for (const forbidden of ["roles/editor", "roles/owner", "roles/viewer"]) assert.equal(everyRole.includes(forbidden), false, forbidden);
        assert.equal(resources.filter((r) => /IAMBinding|IamBinding|IAMPolicy|IamPolicy/.test(r.type)).length, 0, "only additive members, never authoritative bindings");
    });

    it("enables the APIs it uses and nothing it does not", async () => {
        const { resources } = await runGcp(build);
        assert.deepEqual(ofType(resources, "gcp:projects/service:Service").map((r) => r.inputs.service).sort(), [
            "artifactregistry.googleapis.com",
            "cloudbuild.googleapis.com",
            "cloudfunctions.googleapis.com",
            "cloudresourcemanager.googleapis.com",
            "compute.googleapis.com",
            "firestore.googleapis.com",
            "iam.googleapis.com",
            "monitoring.googleapis.com",
            "pubsub.googleapis.com",
            "run.googleapis.com",
            "secretmanager.googleapis.com",
            "storage.googleapis.com",
        ]);
    });

    it("uses existing subnetworks from the spec instead of creating a network", async () => {
        const subnet = "projects/demo-project/regions/europe-west1/subnetworks/shared";
        const { resources } = await runGcp(() => new GcpWebQueueWorker("portfolio", { spec: { ...spec, network: { subnetIds: [subnet] } }, code }));
        assert.equal(resources.filter((r) => r.type.startsWith("gcp:compute/network") || r.type === "queuestack:gcp:Network").length, 0);
        assert.deepEqual(one(resources, "gcp:compute/instanceTemplate:InstanceTemplate").inputs.networkInterfaces, [{ subnetwork: subnet }]);
    });

    it("validates the spec for gcp before creating anything", async () => {
        const { resources } = await runGcp(() =>
            assert.throws(() => new GcpWebQueueWorker("portfolio", { spec: { ...spec, queues: [{ name: "scrape", maxReceiveCount: 2 }, spec.queues[1]] }, code }), {
                message: "Invalid queuestack spec (1 problem):\n  queues[0].maxReceiveCount: must be at least 5 on gcp (got 2). Raise it to 5 or more.",
            }),
        );
        assert.deepEqual(resources, []);
    });
});
