import { strict as assert } from "node:assert";
import { frontEndFromEnv } from "../../../workers/gcp/front-end";

const env = {
    QUEUESTACK_QUEUES: JSON.stringify({ work: { levels: [{ level: "high", topic: "projects/p/topics/work-high" }, { level: "low", topic: "projects/p/topics/work-low" }], ordered: false, maxDelaySeconds: 60, maxMessageKb: 256 } }),
    QUEUESTACK_TOPICS: JSON.stringify({ events: { topic: "projects/p/topics/events", ordered: false, maxMessageKb: 256 } }),
    QUEUESTACK_AUTH: "none",
    QUEUESTACK_MAX_BODY_BYTES: "262144",
    QUEUESTACK_MAX_WAIT_SECONDS: "20",
    QUEUESTACK_DELAY: JSON.stringify({ queue: "projects/p/locations/europe-west1/queues/delay", serviceAccountEmail: "delay@p.iam.gserviceaccount.com" }),
    QUEUESTACK_BLOB_BUCKET: "p-bodies",
    QUEUESTACK_PROJECT_ID: "p",
    QUEUESTACK_FIRESTORE_DATABASE: "p-data",
};

describe("gcp front end environment", () => {
    it("builds the handler from the variables the FrontEnd component sets", () => {
        assert.equal(typeof frontEndFromEnv(env), "function");
        const { QUEUESTACK_TOPICS, QUEUESTACK_DELAY, QUEUESTACK_BLOB_BUCKET, QUEUESTACK_MAX_WAIT_SECONDS, ...minimal } = env;
        assert.equal(typeof frontEndFromEnv(minimal), "function", "topics, delays, claim check and waiting are optional");
    });

    it("names the expected shape of a malformed queue or delay setting", () => {
        assert.throws(() => frontEndFromEnv({ ...env, QUEUESTACK_QUEUES: '{"work":{"topic":"projects/p/topics/work","ordered":false}}' }), {
            name: "ConfigError",
            message: 'QUEUESTACK_QUEUES must map names to { "levels": [{ "level"?, "topic" }], "ordered", "maxDelaySeconds", "maxMessageKb" } (got {"work":{"topic":"projects/p/topics/work","ordered":false}}).',
        });
        assert.throws(() => frontEndFromEnv({ ...env, QUEUESTACK_DELAY: '{"queue":"q"}' }), {
            name: "ConfigError",
            message: 'QUEUESTACK_DELAY must be { "queue": "projects/<p>/locations/<l>/queues/<q>", "serviceAccountEmail": string } (got {"queue":"q"}).',
        });
    });
});
