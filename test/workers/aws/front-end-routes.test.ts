import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { readQueues, readTopics, withRoutesFile } from "../../../workers/aws/front-end-setup";

describe("aws front end: routing table from the deployment package", () => {
    let root: string;
    beforeEach(() => (root = mkdtempSync(path.join(tmpdir(), "queuestack-task-"))));
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    const queues = { scrape: { url: "https://sqs.eu-west-1.amazonaws.com/123456789012/scrape", fifo: false } };
    const topics = { signups: { arn: "arn:aws:sns:eu-west-1:123456789012:signups", fifo: false } };

    it("reads QUEUESTACK_QUEUES and QUEUESTACK_TOPICS from the file under LAMBDA_TASK_ROOT", () => {
        writeFileSync(path.join(root, "queuestack-routes.json"), JSON.stringify({ QUEUESTACK_QUEUES: queues, QUEUESTACK_TOPICS: topics }));
        const env = withRoutesFile({ QUEUESTACK_ROUTES_FILE: "queuestack-routes.json", LAMBDA_TASK_ROOT: root, QUEUESTACK_AUTH: "none" });
        assert.deepEqual(readQueues(env), queues);
        assert.deepEqual(readTopics(env), topics);
        assert.equal(env.QUEUESTACK_AUTH, "none", "the rest of the environment is kept");
    });

    it("leaves an environment without QUEUESTACK_ROUTES_FILE as it is", () => {
        const env = { QUEUESTACK_QUEUES: JSON.stringify(queues) };
        assert.equal(withRoutesFile(env), env);
    });

    it("names a missing file and a file of the wrong shape, with where it looked", () => {
        const missing = path.join(root, "queuestack-routes.json");
        assert.throws(() => withRoutesFile({ QUEUESTACK_ROUTES_FILE: "queuestack-routes.json", LAMBDA_TASK_ROOT: root }), {
            name: "ConfigError",
            message: `QUEUESTACK_ROUTES_FILE ${missing} must be a readable JSON file (ENOENT: no such file or directory, open '${missing}'): the routing table shipped with the front end's code.`,
        });
        writeFileSync(missing, JSON.stringify({ queues }));
        assert.throws(() => withRoutesFile({ QUEUESTACK_ROUTES_FILE: missing }), {
            name: "ConfigError",
            message: `QUEUESTACK_ROUTES_FILE ${missing} must be a JSON object with QUEUESTACK_QUEUES and optionally QUEUESTACK_TOPICS (got keys ["queues"]).`,
        });
    });
});
