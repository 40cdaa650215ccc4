import { strict as assert } from "node:assert";
import { delayedPublishTask, scheduleDelayedPublish } from "../../../workers/gcp/delayed-publish";
import { googleApi } from "../../../workers/gcp/google-api";
import { startFakeGoogleServer } from "./fake-google-server";

const topic = "projects/shop-prod/topics/shop-prod-render-low";
const account = "shop-prod-delay@shop-prod.iam.gserviceaccount.com";
const queue = "projects/shop-prod/locations/europe-west1/queues/shop-prod-delay";
const publication = { body: '{"page":7}', attributes: { "queuestack-job-id": "job-1" } };

describe("delayed publish (Cloud Tasks task; fake Cloud Tasks server on 127.0.0.1)", () => {
    it("builds an HTTP task due after the delay that calls Pub/Sub publish with an OAuth token of the delay account", () => {
        const now = new Date("2026-11-22T12:00:00.000Z");
        assert.deepEqual(delayedPublishTask(topic, publication, 5400, account, now), {
            task: {
                scheduleTime: "2026-11-22T13:30:00.000Z",
                httpRequest: {
                    httpMethod: "POST",
                    url: "https://pubsub.googleapis.com/v1/projects/shop-prod/topics/shop-prod-render-low:publish",
                    headers: { "Content-Type": "application/json" },
                    body: Buffer.from(JSON.stringify({ messages: [{ data: Buffer.from('{"page":7}').toString("base64"), attributes: { "queuestack-job-id": "job-1" } }] })).toString("base64"),
                    oauthToken: { serviceAccountEmail: account, scope: "https://www.googleapis.com/auth/pubsub" },
                },
            },
        });
    });

    it("creates the task on the queue with tasks.create (v2) and returns its name", async () => {
        const fake = await startFakeGoogleServer(() => ({ status: 200, json: { name: `${queue}/tasks/123` } }));
        try {
            const api = googleApi({ baseUrl: "https://cloudtasks.googleapis.com", version: "v2", emulatorHost: fake.host });
            const now = new Date("2026-11-22T12:00:00.000Z");
            assert.equal(await scheduleDelayedPublish(api, { queue, serviceAccountEmail: account }, topic, publication, 60, now), `${queue}/tasks/123`);
            assert.deepEqual(fake.requests.map((r) => [r.method, r.url, r.headers["content-type"], JSON.parse(r.body.toString())]), [
                ["POST", `/v2/${queue}/tasks`, "application/json", delayedPublishTask(topic, publication, 60, account, now)],
            ]);
        } finally {
            await fake.close();
        }
    });
});
