import { strict as assert } from "node:assert";
import { checkSpec, validateSpec } from "../../components/spec";

const base = { name: "portfolio", queues: [{ name: "scrape" }] };
const lines = (input: unknown) => checkSpec(input, "gcp").issues.map((i) => `${i.path.join(".")}: ${i.rule} (got ${JSON.stringify(i.received)}). ${i.fix}`);

describe("spec rules on gcp", () => {
    it("accepts a function worker alone on its queue, and several VM workers sharing one", () => {
        assert.deepEqual(lines({ ...base, workers: [{ name: "scraper", queue: "scrape" }] }), []);
        const shared = { name: "portfolio", queues: [{ name: "publish", ordering: "fifo" }], workers: [{ name: "poller-a", queue: "publish", kind: "vm" }, { name: "poller-b", queue: "publish", kind: "vm" }] };
        assert.deepEqual(lines(shared), []);
    });

    it("rejects a second consumer of a queue a function worker receives by push", () => {
        const spec = { ...base, workers: [{ name: "scraper", queue: "scrape" }, { name: "helper", queue: "scrape", kind: "vm" }] };
        assert.deepEqual(lines(spec), [
            'workers.1.queue: must not name queue "scrape" on gcp: function worker "scraper" receives it by push (got "scrape"). Give each function worker its own queue, or make every consumer of this queue kind: vm (they share the pull subscription).',
        ]);
        assert.deepEqual(checkSpec(spec, "aws").issues, []);
    });

    it("rejects explicit deduplication on a push-fed queue (exactly-once is pull only)", () => {
        const spec = { name: "portfolio", queues: [{ name: "scrape", deduplication: "messageId" }], workers: [{ name: "scraper", queue: "scrape" }] };
        assert.throws(() => validateSpec(spec, "gcp"), {
            message:
                'Invalid queuestack spec (1 problem):\n  queues[0].deduplication: needs pull delivery on gcp (Pub/Sub exactly-once works on pull subscriptions only; function worker "scraper" is fed by push) (got "messageId"). Remove it (the idempotency guard still runs), or consume this queue with kind: vm workers.',
        });
        assert.deepEqual(lines({ ...spec, workers: [{ name: "scraper", queue: "scrape", kind: "vm" }] }), []);
    });

    it("rejects more than one subnetwork for VM workers", () => {
        const spec = { ...base, workers: [{ name: "poller", queue: "scrape", kind: "vm" }], network: { subnetIds: ["projects/p/regions/r/subnetworks/a", "projects/p/regions/r/subnetworks/b"] } };
        assert.deepEqual(lines(spec), [
            'network.subnetIds: must list one subnetwork on gcp (a regional instance group spans zones in one subnetwork) (got ["projects/p/regions/r/subnetworks/a","projects/p/regions/r/subnetworks/b"]). Keep one subnetwork self link.',
        ]);
    });

    it("applies Pub/Sub's limits: attempts 5-100, ack deadline 10-600, retention up to 31 days, no delivery delay", () => {
        const spec = {
            name: "portfolio",
            queues: [{ name: "scrape", maxReceiveCount: 101, visibilityTimeoutSeconds: 700, processingTimeSeconds: 30, retentionDays: 32, deadLetter: { retentionDays: 40 }, deliveryDelaySeconds: 5 }],
        };
        assert.deepEqual(lines(spec), [
            "queues.0.retentionDays: must be at most 31 on gcp (got 32). Lower it to 31 days or less.",
            "queues.0.deadLetter.retentionDays: must be at most 31 on gcp (got 40). Lower it to 31 days or less.",
            "queues.0.maxReceiveCount: must be at most 100 on gcp (got 101). Lower it to 100 or less.",
            "queues.0.deliveryDelaySeconds: must be at most 0 on gcp (got 5). gcp has no queue-level delay; set it to 0.",
            "queues.0.visibilityTimeoutSeconds: must be at most 600 on gcp (got 700). Pub/Sub ack deadlines stop at 600 seconds; split the work into smaller messages.",
        ]);
    });
});
