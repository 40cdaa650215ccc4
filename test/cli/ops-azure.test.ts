import { strict as assert } from "node:assert";
import { AzureTarget } from "../../operations/targets/azure";
import { listDeadLetters, redrive } from "../../operations/redrive";
import { opsSpec, queuestack, stackDir } from "./ops-cli";
import { ServiceBusFake } from "./service-bus-fake";

const groups = ["g1", "g2", "g3", "g4", "g5"];

describe("queuestack operations on Azure (Service Bus fake at the SDK boundary)", () => {
    let fake: ServiceBusFake;
    let target: AzureTarget;

    beforeEach(() => {
        fake = new ServiceBusFake();
        fake.addQueue("ops-scrape", false);
        fake.addQueue("ops-publish", true);
        target = new AzureTarget({
            // The stack outputs a queue's resource id; the target uses its last segment.
            queues: { scrape: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ServiceBus/namespaces/ns/queues/ops-scrape", publish: "ops-publish" },
            sessions: { scrape: false, publish: true },
            client: fake.client,
            admin: fake.admin,
        });
    });

    afterEach(async () => {
        await target.close();
    });

    function seed(queue: string, count: number) {
        fake.seedDeadLetters(
            queue,
            Array.from({ length: count }, (_, seq) => ({
                body: JSON.stringify({ seq }),
                messageId: `m-${seq}`,
                applicationProperties: { seq: String(seq), origin: "test" },
                ...(queue === "ops-publish" ? { sessionId: groups[seq % groups.length] } : {}),
            })),
        );
    }

    it("redrives 500 dead letters from $deadletterqueue: none lost, each session in order, message id and properties kept", async () => {
        seed("ops-publish", 500);
        const result = await redrive(target, "publish");
        assert.deepEqual(result, { moved: 500, missing: [] });
        const queue = fake.queue("ops-publish");
        assert.equal(queue.deadLetters.length, 0);
        assert.equal(queue.active.length, 500);
        assert.equal(new Set(queue.active.map((m) => m.messageId)).size, 500);
        for (const group of groups) {
            const order = queue.active.filter((m) => m.sessionId === group).map((m) => (JSON.parse(String(m.body)) as { seq: number }).seq);
            assert.equal(order.length, 100);
            assert.deepEqual(order, [...order].sort((a, b) => a - b), `session ${group} keeps its order`);
        }
        const seven = queue.active.find((m) => m.messageId === "m-7")!;
        assert.deepEqual({ body: seven.body, session: seven.sessionId, properties: seven.applicationProperties }, { body: '{"seq":7}', session: "g3", properties: { seq: "7", origin: "test" } });
        assert.equal(fake.open, 0, "every receiver and sender is closed");
    });

    it("lists dead letters with the dead-letter reason and delivery count, and leaves them in place", async () => {
        seed("ops-scrape", 3);
        const listed = await listDeadLetters(target.deadLetters("scrape"), 10);
        assert.deepEqual(
            listed.map((m) => ({ id: m.id, attempts: m.attempts, reason: m.reason, attributes: m.attributes })),
            [0, 1, 2].map((seq) => ({
                id: `m-${seq}`,
                // The 10 deliveries before dead-lettering; receiving under a lock does not count one.
                attempts: 10,
                reason: "MaxDeliveryCountExceeded: Message could not be consumed after 10 delivery attempts.",
                attributes: { seq: String(seq), origin: "test" },
            })),
        );
        assert.equal(fake.queue("ops-scrape").deadLetters.length, 3);
        assert.ok(fake.queue("ops-scrape").deadLetters.every((m) => m.lockedBy === undefined), "every lock released");
        // Releasing abandons the lock, which Service Bus counts as a delivery.
        assert.deepEqual(fake.queue("ops-scrape").deadLetters.map((m) => m.deliveryCount), [11, 11, 11]);
    });

    it("redrives selected message ids only", async () => {
        seed("ops-scrape", 5);
        const result = await redrive(target, "scrape", { ids: ["m-1", "m-3", "m-9"] });
        assert.deepEqual(result, { moved: 2, missing: ["m-9"] });
        assert.deepEqual(fake.queue("ops-scrape").active.map((m) => m.messageId), ["m-1", "m-3"]);
        assert.deepEqual(fake.queue("ops-scrape").deadLetters.map((m) => m.messageId), ["m-0", "m-2", "m-4"]);
    });

    it("purges the dead-letter queue and reports status from the runtime properties", async () => {
        seed("ops-scrape", 4);
        await target.send("scrape", [{ body: "{}", attributes: {} }]);
        const status = await target.status("scrape");
        assert.equal(status.visible, 1);
        assert.equal(status.deadLetters, 4);
        assert.equal(status.inFlight, undefined, "Service Bus does not report locked messages");
        assert.ok(status.oldestAgeSeconds !== undefined && status.oldestAgeSeconds < 5);
        assert.equal(await target.purgeDeadLetters("scrape"), 4);
        assert.equal(fake.queue("ops-scrape").deadLetters.length, 0);
        assert.equal(fake.queue("ops-scrape").active.length, 1, "the queue itself is untouched");
    });

    it("names the missing connection string (exit code 2)", async () => {
        const project = stackDir("ops", { "queuestack:cloud": "azure", "queuestack:spec": opsSpec });
        const saved = process.env.SERVICEBUS_CONNECTION_STRING;
        delete process.env.SERVICEBUS_CONNECTION_STRING;
        try {
            const result = await queuestack(["dlq", "list", "--stack", "ops", "--dir", project.dir, "--queue", "scrape", "--queue-id", "ops-scrape"]);
            assert.deepEqual(result, { code: 2, out: "", err: 'queuestack: no Service Bus connection string for stack "ops": pass --connection-string or set SERVICEBUS_CONNECTION_STRING.' });
        } finally {
            if (saved !== undefined) process.env.SERVICEBUS_CONNECTION_STRING = saved;
            project.cleanup();
        }
    });
});
