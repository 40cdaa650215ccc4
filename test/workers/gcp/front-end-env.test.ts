import { strict as assert } from "node:assert";
import { frontEndFromEnv } from "../../../workers/gcp/front-end";
import { response } from "./pubsub-fixtures";

/** Answers one POST through a handler; only requests refused before any publish, so nothing leaves the process. */
async function post(handler: ReturnType<typeof frontEndFromEnv>, path: string, query: Record<string, string> = {}) {
    const { res, answer } = response();
    await handler({ method: "POST", path, headers: {}, query, rawBody: Buffer.from("{}") }, res);
    return answer;
}

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

    it("routes by the queues and topics it read, and takes waits up to QUEUESTACK_MAX_WAIT_SECONDS (0 when unset)", async () => {
        const full = frontEndFromEnv(env);
        assert.deepEqual(await post(full, "/queues/nope/messages"), { status: 404, body: { error: 'Unknown queue "nope". Known queues: work.' } });
        assert.deepEqual(await post(full, "/topics/nope"), { status: 404, body: { error: 'Unknown topic "nope". Known topics: events.' } });
        assert.equal((await post(full, "/queues/work/messages", { wait: "21" })).status, 400);
        const { QUEUESTACK_TOPICS, QUEUESTACK_MAX_WAIT_SECONDS, ...minimal } = env;
        const bare = frontEndFromEnv(minimal);
        assert.deepEqual(await post(bare, "/topics/events"), { status: 404, body: { error: 'Unknown topic "events". This stack has no topics (spec topics).' } });
        assert.equal((await post(bare, "/queues/work/messages", { wait: "1" })).status, 400);
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
