import { strict as assert } from "node:assert";
import { FrontEnd } from "../../components/gcp";
import { valueOf } from "../../components/testing/offline";
import { ofType, one } from "../helpers/resources";
import { database, handlerCode } from "./fixtures";
import { runGcp } from "./offline-gcp";

const queues = {
    scrape: { levels: [{ topicId: "projects/demo-project/topics/queuestack-test-scrape", topicName: "queuestack-test-scrape" }], ordered: false },
    publish: { levels: [{ topicId: "projects/demo-project/topics/queuestack-test-publish", topicName: "queuestack-test-publish" }], ordered: true },
};
const email = "queuestack-test-front-end@demo-project.iam.gserviceaccount.com";
const member = `serviceAccount:${email}`;

describe("gcp FrontEnd", () => {
    it("keeps a generated API key in Secret Manager, readable by the front end's identity only, and hands it to the function as a secret", async () => {
        const { resources } = await runGcp(() => new FrontEnd("api", { queues, database, sourceBucket: "src-bucket", code: handlerCode }));
        const secret = one(resources, "gcp:secretmanager/secret:Secret").inputs;
        assert.equal(secret.secretId, "queuestack-test-api-key");
        assert.deepEqual(secret.replication, { auto: {} });
        const version = one(resources, "gcp:secretmanager/secretVersion:SecretVersion").inputs as any;
        assert.equal(version.secret, "projects/demo-project/secrets/queuestack-test-api-key");
        assert.equal(version.secretData.value, "offline-api-api-key-value");
        assert.deepEqual(one(resources, "gcp:secretmanager/secretIamMember:SecretIamMember").inputs, {
            secretId: "projects/demo-project/secrets/queuestack-test-api-key",
            role: "roles/secretmanager.secretAccessor",
            member,
        });
        const config = (one(resources, "gcp:cloudfunctionsv2/function:Function").inputs as any).serviceConfig;
        assert.deepEqual(config.secretEnvironmentVariables.map((s: any) => [s.key, s.secret, s.projectId]), [["QUEUESTACK_API_KEY", "queuestack-test-api-key", "demo-project"]]);
        assert.equal(JSON.stringify(config.environmentVariables).includes("offline-api-api-key-value"), false, "the key is not a plain variable");
    });

    it("limits the body size, names the queues' topics and may only publish to them", async () => {
        const { resources } = await runGcp(() => new FrontEnd("api", { frontEnd: { maxBodyKb: 64 }, queues, database, sourceBucket: "src-bucket", code: handlerCode }));
        const fn = one(resources, "gcp:cloudfunctionsv2/function:Function").inputs as any;
        assert.equal(fn.name, "queuestack-test-front-end");
        assert.equal(fn.serviceConfig.ingressSettings, "ALLOW_ALL");
        assert.equal(fn.serviceConfig.serviceAccountEmail, email);
        assert.deepEqual(fn.serviceConfig.environmentVariables, {
            QUEUESTACK_QUEUES: JSON.stringify({
                scrape: { levels: [{ topic: queues.scrape.levels[0].topicId }], ordered: false, maxDelaySeconds: 0, maxMessageKb: 256 },
                publish: { levels: [{ topic: queues.publish.levels[0].topicId }], ordered: true, maxDelaySeconds: 0, maxMessageKb: 256 },
            }),
            QUEUESTACK_TOPICS: "{}",
            QUEUESTACK_MAX_WAIT_SECONDS: "0",
            QUEUESTACK_AUTH: "apiKey",
            QUEUESTACK_MAX_BODY_BYTES: String(64 * 1024),
            QUEUESTACK_PROJECT_ID: "demo-project",
            QUEUESTACK_FIRESTORE_DATABASE: "portfolio-test-data",
        });
        const publishers = ofType(resources, "gcp:pubsub/topicIAMMember:TopicIAMMember").map((r) => r.inputs);
        assert.deepEqual(publishers, [
            { topic: "queuestack-test-scrape", role: "roles/pubsub.publisher", member },
            { topic: "queuestack-test-publish", role: "roles/pubsub.publisher", member },
        ]);
        assert.equal(one(resources, "gcp:projects/iAMMember:IAMMember").inputs.role, "roles/datastore.viewer");
    });

    it("is public at the platform by default (the key is checked by the function) and exposes its URL", async () => {
        const { resources, result } = await runGcp(() => new FrontEnd("api", { queues, database, sourceBucket: "src-bucket", code: handlerCode }));
        assert.deepEqual(one(resources, "gcp:cloudrunv2/serviceIamMember:ServiceIamMember").inputs, {
            name: "projects/demo-project/locations/europe-west1/services/queuestack-test-front-end",
            location: "europe-west1",
            role: "roles/run.invoker",
            member: "allUsers",
        });
        assert.equal(await valueOf(result.url), "https://europe-west1-demo-project.cloudfunctions.net/queuestack-test-front-end");
    });

    it("with access: authenticated grants the invoker role to each listed member and never to allUsers", async () => {
        const invokers = ["group:callers@example.com", "serviceAccount:sender@other-project.iam.gserviceaccount.com"];
        const { resources } = await runGcp(() =>
            new FrontEnd("api", { frontEnd: { access: "authenticated", invokers }, queues, database, sourceBucket: "src-bucket", code: handlerCode }),
        );
        const service = "projects/demo-project/locations/europe-west1/services/queuestack-test-front-end";
        assert.deepEqual(
            ofType(resources, "gcp:cloudrunv2/serviceIamMember:ServiceIamMember").map((r) => [r.name, r.inputs]),
            [
                ["api-invoker-0", { name: service, location: "europe-west1", role: "roles/run.invoker", member: "group:callers@example.com" }],
                ["api-invoker-1", { name: service, location: "europe-west1", role: "roles/run.invoker", member: "serviceAccount:sender@other-project.iam.gserviceaccount.com" }],
            ],
        );
        assert.equal(resources.filter((r) => r.inputs.member === "allUsers").length, 0);
        // The API key is still checked behind the platform's check.
        assert.equal((one(resources, "gcp:cloudfunctionsv2/function:Function").inputs as any).serviceConfig.environmentVariables.QUEUESTACK_AUTH, "apiKey");
    });

    it("with auth: none creates no key, no secret and no secret variable", async () => {
        const { resources, result } = await runGcp(() => new FrontEnd("api", { frontEnd: { auth: "none" }, queues, database, sourceBucket: "src-bucket", code: handlerCode }));
        assert.equal(resources.filter((r) => r.type.startsWith("gcp:secretmanager/") || r.type.startsWith("random:")).length, 0);
        const config = (one(resources, "gcp:cloudfunctionsv2/function:Function").inputs as any).serviceConfig;
        assert.deepEqual(config.secretEnvironmentVariables, []);
        assert.equal(config.environmentVariables.QUEUESTACK_AUTH, "none");
        assert.equal(result.apiKeySecretId, undefined);
    });
});
