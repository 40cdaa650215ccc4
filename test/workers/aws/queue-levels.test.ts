import { strict as assert } from "node:assert";
import { readQueueLevels } from "../../../workers/aws/queue-levels";

const levels = [
    { level: "high", weight: 3, url: "https://sqs/q-high", arn: "arn:aws:sqs:us-east-1:1:q-high" },
    { level: "low", weight: 1, url: "https://sqs/q-low", arn: "arn:aws:sqs:us-east-1:1:q-low" },
];

describe("aws: QUEUESTACK_QUEUE_LEVELS for the VM poller", () => {
    it("reads the levels highest first with their weights and the promotion bound; absent means no levels", () => {
        assert.deepEqual(readQueueLevels({ QUEUESTACK_QUEUE_LEVELS: JSON.stringify({ promoteAfterSeconds: 120, levels }) }), {
            promoteAfterSeconds: 120,
            levels: [{ level: "high", weight: 3, url: "https://sqs/q-high" }, { level: "low", weight: 1, url: "https://sqs/q-low" }],
        });
        assert.equal(readQueueLevels({}), undefined);
    });

    it("names the variable, the expected shape and the value received when it is malformed", () => {
        const shape = '{"promoteAfterSeconds": 300, "levels": [{"level": "high", "weight": 3, "url": "https://sqs..."}, ...]}';
        assert.throws(() => readQueueLevels({ QUEUESTACK_QUEUE_LEVELS: JSON.stringify({ promoteAfterSeconds: 120, levels: [levels[0]] }) }), {
            name: "ConfigError",
            message: `QUEUESTACK_QUEUE_LEVELS must be ${shape} with at least two levels (got {"promoteAfterSeconds":120,"levels":[${JSON.stringify(levels[0])}]}).`,
        });
        for (const value of [{ promoteAfterSeconds: 0, levels }, { promoteAfterSeconds: 60, levels: [levels[0], { ...levels[1], weight: 0 }] }]) {
            assert.throws(() => readQueueLevels({ QUEUESTACK_QUEUE_LEVELS: JSON.stringify(value) }), {
                name: "ConfigError",
                message: `QUEUESTACK_QUEUE_LEVELS must be ${shape} with at least two levels (got ${JSON.stringify(value)}).`,
            });
        }
    });
});
