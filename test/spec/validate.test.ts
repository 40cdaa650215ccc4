import { strict as assert } from "node:assert";
import { SpecError, checkSpec, formatIssue, validateSpec } from "../../components/spec";

const minimal = { name: "portfolio", queues: [{ name: "scrape" }], workers: [{ name: "scraper", queue: "scrape" }] };

/** The error lines a spec produces for `cloud`. */
function problems(input: unknown, cloud: "aws" | "azure" | "gcp" | "local" = "aws"): string[] {
    return checkSpec(input, cloud).issues.map(formatIssue);
}

describe("spec validation", () => {
    it("accepts a spec with only a name, one queue and one worker, filling every default", () => {
        const spec = validateSpec(minimal, "aws");
        assert.deepEqual(spec.queues[0], {
            name: "scrape",
            ordering: "none",
            processingTimeSeconds: 30,
            maxReceiveCount: 5,
            retentionDays: 4,
            deliveryDelaySeconds: 0,
            maxDelaySeconds: 0,
            maxMessageKb: 256,
            deadLetter: { retentionDays: 14 },
        });
        assert.deepEqual(spec.workers[0], {
            name: "scraper",
            queue: "scrape",
            kind: "function",
            code: "workers/example",
            memoryMb: 512,
            concurrency: 10,
            batchSize: 10,
            batchWindowSeconds: 0,
            instanceSize: "small",
            scaling: { min: 0, max: 10, backlogPerWorker: 100 },
            idempotency: { enabled: true, key: "messageId", ttlHours: 24 },
            environment: {},
        });
        assert.deepEqual(spec.frontEnd, { auth: "apiKey", maxBodyKb: 256, maxWaitSeconds: 0, access: "public", invokers: [] });
        assert.deepEqual(spec.topics, []);
        assert.deepEqual(spec.largeMessages, { enabled: false, maxBodyMb: 5 });
        assert.deepEqual(spec.alarms, { deadLetterDepth: 1, oldestMessageAgeSeconds: 600, workerErrors: 1 });
        assert.deepEqual(spec.datastore, { ttlDays: 30, pointInTimeRecovery: true });
    });

    it("reports five mistakes as five lines in one error", () => {
        const input = {
            name: "Portfolio",
            queues: [{ name: "scrape", maxRecieveCount: 3, ordering: "fiffo", maxMessageKb: 2048 }],
            workers: [{ name: "scraper", queue: "scrap" }],
        };
        assert.throws(
            () => validateSpec(input, "aws"),
            (error: unknown) => {
                assert.ok(error instanceof SpecError);
                assert.equal(
                    error.message,
                    [
                        "Invalid queuestack spec (5 problems):",
                        '  name: must be lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen (got "Portfolio"). Rename it, e.g. "orders" or "image-resize".',
                        '  queues[0].ordering: must be one of none | fifo (got "fiffo"). Did you mean "fifo"?',
                        '  queues[0].maxRecieveCount: is not a known field (got 3). Did you mean "maxReceiveCount"?',
                        '  workers[0].queue: must name a queue in queues (got "scrap"). Did you mean "scrape"?',
                        "  queues[0].maxMessageKb: must be at most 1024 on aws (got 2048). Lower it to 1024 KiB or less.",
                    ].join("\n"),
                );
                assert.equal(error.issues.length, 5);
                return true;
            },
        );
    });

    it("names a missing required field and a wrong type", () => {
        assert.deepEqual(problems({ queues: [{ name: "scrape", processingTimeSeconds: "20" }] }), [
            "name: is required (got nothing). Add a string here.",
            'queues[0].processingTimeSeconds: must be a number (got "20"). Write a number.',
        ]);
    });

    it("rejects a non-object spec and an unknown cloud", () => {
        assert.deepEqual(problems("portfolio"), ['(spec): must be an object (got "portfolio"). Write the spec as a YAML or JSON object with at least name and queues.']);
        assert.deepEqual(checkSpec(minimal, "awz" as never).issues.map(formatIssue), ['cloud: must be one of aws | azure | gcp | local (got "awz"). Did you mean "aws"?']);
    });

    it("requires the dead-letter queue to outlive its source", () => {
        assert.deepEqual(problems({ ...minimal, queues: [{ name: "scrape", retentionDays: 7, deadLetter: { retentionDays: 7 } }] }), [
            "queues[0].deadLetter.retentionDays: must be longer than the queue's retentionDays (7) (got 7). Raise it, or lower the queue's retentionDays, so dead letters are not dropped before anyone sees them.",
        ]);
    });

    it("applies each cloud's limits with a fix that fits the cloud", () => {
        const slow = { ...minimal, queues: [{ name: "scrape", processingTimeSeconds: 700, visibilityTimeoutSeconds: 900 }], workers: [{ name: "scraper", queue: "scrape", kind: "vm" }] };
        assert.deepEqual(problems(slow, "azure"), [
            "queues[0].visibilityTimeoutSeconds: must be at most 300 on azure (got 900). Service Bus locks last at most 5 minutes; the worker renews its lock for longer work, so lower it to 300 or less.",
        ]);
        assert.deepEqual(problems(slow, "gcp"), [
            "queues[0].visibilityTimeoutSeconds: must be at most 600 on gcp (got 900). Pub/Sub ack deadlines stop at 600 seconds; split the work into smaller messages.",
            "queues[0].processingTimeSeconds: must be at most 600 on gcp (got 700). Pub/Sub ack deadlines stop at 600 seconds; split the work into smaller messages.",
        ]);
        assert.deepEqual(problems(slow, "aws"), []);
        assert.deepEqual(problems({ ...minimal, queues: [{ name: "scrape", maxReceiveCount: 3, deliveryDelaySeconds: 60 }] }, "gcp"), [
            "queues[0].maxReceiveCount: must be at least 5 on gcp (got 3). Raise it to 5 or more.",
            "queues[0].deliveryDelaySeconds: must be at most 0 on gcp (got 60). gcp has no queue-level delay; set it to 0.",
        ]);
    });

    it("enforces the SQS and Lambda event source mapping rules on aws only", () => {
        const input = {
            ...minimal,
            queues: [{ name: "scrape", deduplication: "content" }, { name: "orders", ordering: "fifo" }],
            workers: [
                { name: "scraper", queue: "scrape", batchSize: 100, concurrency: 1 },
                { name: "billing", queue: "orders", batchSize: 20 },
            ],
        };
        assert.deepEqual(problems(input, "aws"), [
            'queues[0].deduplication: needs ordering: fifo on aws (SQS deduplicates FIFO queues only) (got "content"). Set ordering: fifo, or remove deduplication and rely on the idempotency guard.',
            "workers[0].batchWindowSeconds: must be at least 1 when batchSize is over 10 on aws (got 0). Set batchWindowSeconds to 1 or more, or lower batchSize to 10.",
            "workers[0].concurrency: must be at least 2 for function workers on aws (got 1). Raise it to 2 or more (the SQS event source mapping's minimum).",
            "workers[1].batchSize: must be at most 10 for a FIFO queue on aws (got 20). Lower it to 10 or less.",
        ]);
        assert.deepEqual(problems(input, "local"), []);
    });

    it("checks worker timeouts against the queue and the cloud's function limit", () => {
        const input = { ...minimal, queues: [{ name: "scrape", processingTimeSeconds: 60 }], workers: [{ name: "scraper", queue: "scrape", timeoutSeconds: 30 }, { name: "slow", queue: "scrape", timeoutSeconds: 1200 }] };
        assert.deepEqual(problems(input, "aws"), [
            'workers[0].timeoutSeconds: must be at least queue "scrape" processingTimeSeconds (60) (got 30). Raise it, or lower the queue\'s processingTimeSeconds.',
            "workers[1].timeoutSeconds: must be at most 900 on aws (got 1200). Functions on aws stop after 900 s; lower it or use kind: vm.",
        ]);
    });

    it("rejects duplicate names, an inverted scaling range and an age alarm longer than retention", () => {
        const input = {
            name: "portfolio",
            queues: [{ name: "scrape", retentionDays: 1, deadLetter: { retentionDays: 2 } }, { name: "scrape" }],
            workers: [{ name: "scraper", queue: "scrape", kind: "vm", scaling: { min: 5, max: 2 } }],
            alarms: { oldestMessageAgeSeconds: 90_000 },
        };
        assert.deepEqual(problems(input), [
            'queues[1].name: repeats the queue name "scrape" (got "scrape"). Give each queue its own name.',
            "alarms.oldestMessageAgeSeconds: must be shorter than queues[0].retentionDays (86400 s) (got 90000). Lower it so the backlog alarm fires before messages expire.",
            "workers[0].scaling.min: must not exceed scaling.max (2) (got 5). Lower min or raise max.",
        ]);
    });

    it("still runs cross-field rules when the structure has problems elsewhere", () => {
        assert.deepEqual(problems({ name: "portfolio", queues: [{ name: "scrape", retentionDays: 30 }], workers: [{ name: "x", queue: "nope" }] }), [
            'workers[0].name: must be at least 2 characters (got "x"). Use at least 2 characters.',
            'workers[0].queue: must name a queue in queues (got "nope"). Use one of the queues: scrape.',
            "queues[0].deadLetter.retentionDays: must be longer than the queue's retentionDays (30) (got 14). Raise it, or lower the queue's retentionDays, so dead letters are not dropped before anyone sees them.",
            "queues[0].retentionDays: must be at most 14 on aws (got 30). Lower it to 14 days or less.",
        ]);
    });

    it("lists the valid fields when an unknown key is not a near miss", () => {
        assert.deepEqual(problems({ ...minimal, datastore: { color: "blue" } }), [
            "datastore.color: is not a known field (got \"blue\"). Use one of the fields here: ttlDays, pointInTimeRecovery.",
        ]);
    });

    it("never changes the caller's input", () => {
        const input = { name: "portfolio", queues: [{ name: "scrape", bogus: 1 }] };
        const copy = structuredClone(input);
        checkSpec(input, "aws");
        assert.deepEqual(input, copy);
    });
});
