import { strict as assert } from "node:assert";
import { FunctionWorker } from "../../components/gcp";
import { valueOf } from "../../components/testing/offline";
import { daysOfSupportLeft, deployedRuntimes, findRelease, runtimeSupportMarginDays } from "../../components/runtimes";
import { one } from "../helpers/resources";
import { database, databaseCondition, handlerCode } from "./fixtures";
import { runGcp } from "./offline-gcp";

const worker = { name: "scraper", queue: "scrape", concurrency: 5, timeoutSeconds: 60, environment: { LOG_LEVEL: "debug" } };
const make = () => new FunctionWorker("scraper", { worker, queueName: "scrape", database, sourceBucket: "src-bucket", ackDeadlineSeconds: 360, code: handlerCode });
const runtimeEmail = "queuestack-test-scraper-fn@demo-project.iam.gserviceaccount.com";
const pushEmail = "queuestack-test-scraper-push@demo-project.iam.gserviceaccount.com";

describe("gcp FunctionWorker", () => {
    it("creates exactly a runtime identity, a push identity, the source object, the function and three grants, all under the worker", async () => {
        const { resources } = await runGcp(make);
        assert.deepEqual(
            resources.map((r) => [r.type, r.name, r.parent ?? null]).sort(),
            [
                ["queuestack:gcp:FunctionWorker", "scraper", null],
                ["gcp:serviceaccount/account:Account", "scraper-identity", "scraper"],
                ["gcp:serviceaccount/account:Account", "scraper-push-identity", "scraper"],
                ["gcp:storage/bucketObject:BucketObject", "scraper-source", "scraper"],
                ["gcp:cloudfunctionsv2/function:Function", "scraper-function", "scraper"],
                ["gcp:projects/iAMMember:IAMMember", "scraper-datastore-access", "scraper"],
                ["gcp:cloudrunv2/serviceIamMember:ServiceIamMember", "scraper-invoker", "scraper"],
                ["gcp:serviceaccount/iAMMember:IAMMember", "scraper-push-token-creator", "scraper"],
                ["gcp:projects/serviceIdentity:ServiceIdentity", "scraper-pubsub-agent", "scraper"],
            ].sort(),
        );
    });

    it("runs a 2nd gen function from the bucket, internal traffic only, one message at a time per instance up to concurrency, taking 10 push requests per instance", async () => {
        const { resources } = await runGcp(make);
        const fn = one(resources, "gcp:cloudfunctionsv2/function:Function").inputs as any;
        assert.equal(fn.name, "queuestack-test-scraper");
        assert.equal(fn.location, "europe-west1");
        assert.deepEqual(fn.buildConfig, {
            runtime: "nodejs24",
            entryPoint: "handler",
            source: { storageSource: { bucket: "src-bucket", object: one(resources, "gcp:storage/bucketObject:BucketObject").inputs.name } },
        });
        assert.match(one(resources, "gcp:storage/bucketObject:BucketObject").inputs.name as string, /^queuestack-test-scraper\/[0-9a-f]{16}\.zip$/);
        const config = fn.serviceConfig;
        assert.equal(config.ingressSettings, "ALLOW_INTERNAL_ONLY");
        assert.equal(config.serviceAccountEmail, runtimeEmail);
        assert.equal(config.timeoutSeconds, 360, "a push request lives to the ack deadline: wait for the slot, then the 60 s message");
        assert.equal(config.maxInstanceCount, 5);
        assert.equal(config.maxInstanceRequestConcurrency, 10);
        assert.equal(config.availableCpu, "1", "Cloud Run functions need a whole vCPU for more than one request per instance");
        assert.equal(config.minInstanceCount, 0);
        assert.equal(config.availableMemory, "512Mi");
        assert.deepEqual(config.environmentVariables, {
            LOG_LEVEL: "debug",
            QUEUESTACK_PROJECT_ID: "demo-project",
            QUEUESTACK_QUEUE_NAME: "scrape",
            QUEUESTACK_FIRESTORE_DATABASE: "portfolio-test-data",
            QUEUESTACK_IDEMPOTENCY_STORE: "portfolio-test-data",
            QUEUESTACK_IDEMPOTENCY_ENABLED: "true",
            QUEUESTACK_IDEMPOTENCY_KEY: "messageId",
            QUEUESTACK_IDEMPOTENCY_TTL_HOURS: "24",
            QUEUESTACK_RESULT_TTL_DAYS: "30",
            QUEUESTACK_ACK_DEADLINE_SECONDS: "360",
            QUEUESTACK_WORKER_TIMEOUT_SECONDS: "60",
            QUEUESTACK_PUSH_SLOTS: "1",
            QUEUESTACK_PUSH_MAX_WAIT_SECONDS: "295",
        });
    });

    it("lets only the push identity invoke the function, and the Pub/Sub agent mint only that identity's tokens", async () => {
        const { resources } = await runGcp(make);
        assert.deepEqual(one(resources, "gcp:cloudrunv2/serviceIamMember:ServiceIamMember").inputs, {
            name: "projects/demo-project/locations/europe-west1/services/queuestack-test-scraper",
            location: "europe-west1",
            role: "roles/run.invoker",
            member: `serviceAccount:${pushEmail}`,
        });
        assert.deepEqual(one(resources, "gcp:serviceaccount/iAMMember:IAMMember").inputs, {
            serviceAccountId: `projects/demo-project/serviceAccounts/${pushEmail}`,
            role: "roles/iam.serviceAccountTokenCreator",
            member: "serviceAccount:service-123456789012@gcp-sa-pubsub.iam.gserviceaccount.com",
        });
        assert.deepEqual(one(resources, "gcp:serviceaccount/iAMMember:IAMMember").dependencies, ["scraper-pubsub-agent", "scraper-push-identity"], "granted once the agent exists");
    });

    it("gives the runtime identity Firestore access on the stack's database only", async () => {
        const { resources } = await runGcp(make);
        assert.deepEqual(one(resources, "gcp:projects/iAMMember:IAMMember").inputs, {
            project: "demo-project",
            role: "roles/datastore.user",
            member: `serviceAccount:${runtimeEmail}`,
            condition: databaseCondition,
        });
    });

    it("hands the queue its push settings: the function URL, audience and the push identity", async () => {
        const { result } = await runGcp(make);
        assert.equal(await valueOf(result.pushes[0].endpoint), "https://queuestack-test-scraper-abc123-ew.a.run.app");
        assert.equal(await valueOf(result.pushes[0].audience!), "https://queuestack-test-scraper-abc123-ew.a.run.app");
        assert.equal(await valueOf(result.pushes[0].serviceAccountEmail), pushEmail);
    });

    it("deploys the runtime table's Cloud Functions runtime, one that still takes deploys with 90 days to spare", async () => {
        const { resources } = await runGcp(make);
        const runtime = (one(resources, "gcp:cloudfunctionsv2/function:Function").inputs as any).buildConfig.runtime;
        assert.equal(runtime, deployedRuntimes.gcpFunctions.id);
        const entry = findRelease("gcp-functions", runtime);
        assert.ok(entry, `${runtime} is in the runtime table`);
        assert.ok(daysOfSupportLeft(entry, new Date()) >= runtimeSupportMarginDays, `${runtime} is supported until ${entry.endOfSupport}`);
    });

    it("rejects a bad worker spec naming the worker", () => {
        assert.throws(() => new FunctionWorker("scraper", { worker: { ...worker, memoryMb: 64 }, queueName: "scrape", database, sourceBucket: "b", ackDeadlineSeconds: 60, code: handlerCode }), {
            message: 'Invalid function worker "scraper" (1 problem):\n  memoryMb: must be at least 128 (got 64). Raise it to 128 or more.',
        });
    });
});

describe("gcp FunctionWorker push headroom", () => {
    const planned = async (args: { pushHeadroom?: number; ackDeadlineSeconds?: number; memoryMb?: number }) => {
        const { resources } = await runGcp(() => new FunctionWorker("scraper", { worker: { ...worker, memoryMb: args.memoryMb }, queueName: "scrape", database, sourceBucket: "src-bucket", ackDeadlineSeconds: args.ackDeadlineSeconds ?? 360, code: handlerCode, pushHeadroom: args.pushHeadroom }));
        const config = (one(resources, "gcp:cloudfunctionsv2/function:Function").inputs as any).serviceConfig;
        const env = config.environmentVariables;
        return [config.maxInstanceCount, config.maxInstanceRequestConcurrency, config.availableCpu, config.availableMemory, config.timeoutSeconds, env.QUEUESTACK_WORKER_TIMEOUT_SECONDS, env.QUEUESTACK_PUSH_SLOTS, env.QUEUESTACK_PUSH_MAX_WAIT_SECONDS];
    };

    it("by default takes 10 requests per instance on a whole vCPU and at least 512 MiB, the request living to the ack deadline and a delivery waiting at most ack - timeout - 5 s", async () => {
        assert.deepEqual(await planned({ memoryMb: 256 }), [5, 10, "1", "512Mi", 360, "60", "1", "295"]);
        assert.deepEqual(await planned({ pushHeadroom: 25, memoryMb: 1024 }), [5, 25, "1", "1024Mi", 360, "60", "1", "295"]);
    });

    it("pushHeadroom 1 turns it off: one request per instance, no vCPU set, the function timeout is the message timeout", async () => {
        assert.deepEqual(await planned({ pushHeadroom: 1, memoryMb: 256 }), [5, 1, undefined, "256Mi", 60, "60", "1", "295"]);
    });

    it("stays off when the ack deadline leaves no time to wait (60 s message, 65 s ack deadline)", async () => {
        assert.deepEqual(await planned({ ackDeadlineSeconds: 65, memoryMb: 256 }), [5, 1, undefined, "256Mi", 60, "60", "1", "0"]);
    });

    it("rejects a pushHeadroom that Cloud Run cannot take, naming the worker and the value", () => {
        for (const bad of [0, 2.5, 1001]) {
            assert.throws(() => new FunctionWorker("scraper", { worker, queueName: "scrape", database, sourceBucket: "b", ackDeadlineSeconds: 360, code: handlerCode, pushHeadroom: bad }), {
                message: `function worker "scraper": pushHeadroom must be a whole number from 1 to 1000 (Cloud Run's most requests per instance); got ${bad}. Use 10, or 1 to turn it off.`,
            });
        }
    });
});
