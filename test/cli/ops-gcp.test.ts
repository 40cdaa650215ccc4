import { strict as assert } from "node:assert";
import { PubSub, v1 } from "@google-cloud/pubsub";
import { gcloudAvailable, startEmulator, type Emulator } from "../workers/gcp/emulators";
import { opsSpec, queuestack, stackDir } from "./ops-cli";

const project = "queuestack-ops";
const groups = ["g1", "g2", "g3", "g4", "g5"];

describe("queuestack operations on Google Cloud (Pub/Sub emulator)", function () {
    this.timeout(60_000);
    let emulator: Emulator | undefined;
    let pubsub: PubSub;
    let subscriber: v1.SubscriberClient;
    let publisher: v1.PublisherClient;
    let stack: ReturnType<typeof stackDir>;
    let suffix = 0;

    before(async function () {
        if (!gcloudAvailable()) {
            console.warn("    gcloud is not on PATH: skipping (the Pub/Sub emulator ships with the Google Cloud CLI).");
            this.skip();
        }
        this.timeout(90_000);
        emulator = await startEmulator("pubsub");
        pubsub = new PubSub({ projectId: project, apiEndpoint: emulator.hostPort, emulatorMode: true });
        const options = (await pubsub.getClientConfig()) as ConstructorParameters<typeof v1.SubscriberClient>[0];
        subscriber = new v1.SubscriberClient(options);
        publisher = new v1.PublisherClient(options);
        stack = stackDir("ops", { "queuestack:cloud": "gcp", "gcp:project": project, "queuestack:spec": opsSpec });
    });

    after(async () => {
        await Promise.all([subscriber?.close(), publisher?.close(), pubsub?.close()]);
        await emulator?.stop();
        stack?.cleanup();
    });

    const path = (kind: "topics" | "subscriptions", name: string) => `projects/${project}/${kind}/${name}`;

    /** A topic with its subscription (dead-lettering after 5 deliveries) and the dead-letter topic with its own subscription. */
    async function queue(ordered: boolean) {
        suffix += 1;
        const name = `ops-${suffix}`;
        await publisher.createTopic({ name: path("topics", name) });
        await publisher.createTopic({ name: path("topics", `${name}-dl`) });
        await subscriber.createSubscription({ name: path("subscriptions", `${name}-dl-sub`), topic: path("topics", `${name}-dl`), enableMessageOrdering: ordered, ackDeadlineSeconds: 60 });
        await subscriber.createSubscription({
            name: path("subscriptions", `${name}-sub`),
            topic: path("topics", name),
            enableMessageOrdering: ordered,
            ackDeadlineSeconds: 60,
            deadLetterPolicy: { deadLetterTopic: path("topics", `${name}-dl`), maxDeliveryAttempts: 5 },
        });
        return { subscription: path("subscriptions", `${name}-sub`), deadLetter: path("subscriptions", `${name}-dl-sub`), deadLetterTopic: path("topics", `${name}-dl`) };
    }

    const flags = (q: { subscription: string; deadLetter: string }) => ["--stack", "ops", "--dir", stack.dir, "--endpoint", emulator!.hostPort, "--queue-id", q.subscription, "--dead-letter-id", q.deadLetter];

    /** Publishes `count` messages to the dead-letter topic, keyed over the groups when `ordered`. */
    async function fillDeadLetters(topic: string, count: number, ordered: boolean) {
        for (let start = 0; start < count; start += 100) {
            const messages = Array.from({ length: Math.min(100, count - start) }, (_, i) => {
                const seq = start + i;
                return { data: Buffer.from(JSON.stringify({ seq })), attributes: { seq: String(seq), origin: "test" }, ...(ordered ? { orderingKey: groups[seq % groups.length] } : {}) };
            });
            await publisher.publish({ topic, messages });
        }
    }

    /** Pulls and acknowledges everything on a subscription, in delivery order. */
    async function drain(subscription: string) {
        const all: { seq: number; key: string; attributes: Record<string, string> }[] = [];
        for (let empty = 0; empty < 3; ) {
            const [response] = await subscriber.pull({ subscription, maxMessages: 100, returnImmediately: true });
            const received = response.receivedMessages ?? [];
            if (received.length === 0) {
                empty += 1;
                continue;
            }
            empty = 0;
            for (const r of received) {
                all.push({ seq: (JSON.parse(Buffer.from(r.message!.data!).toString()) as { seq: number }).seq, key: r.message!.orderingKey ?? "", attributes: { ...r.message!.attributes } });
            }
            await subscriber.acknowledge({ subscription, ackIds: received.map((r) => r.ackId!) });
        }
        return all;
    }

    it("redrives 500 dead letters to the source topic: none lost, each ordering key in order, attributes kept", async () => {
        const q = await queue(true);
        await fillDeadLetters(q.deadLetterTopic, 500, true);
        const result = await queuestack(["dlq", "redrive", ...flags(q), "--queue", "publish"]);
        assert.deepEqual(result, { code: 0, out: 'Redrove 500 dead letters back to "publish" (stack ops, gcp).', err: "" });
        const received = await drain(q.subscription);
        assert.equal(received.length, 500);
        assert.equal(new Set(received.map((r) => r.seq)).size, 500);
        for (const [i, group] of groups.entries()) {
            const order = received.filter((r) => r.key === group).map((r) => r.seq);
            assert.equal(order.length, 100);
            assert.deepEqual(order, [...order].sort((a, b) => a - b), `key ${group} keeps its order`);
            assert.ok(order.every((seq) => seq % groups.length === i));
        }
        assert.deepEqual(received.find((r) => r.seq === 7)!.attributes, { seq: "7", origin: "test" });
        assert.equal((await drain(q.deadLetter)).length, 0, "nothing is left in the dead-letter subscription");
    });

    it("lists a message Pub/Sub dead-lettered with its delivery count, without the dead-letter attributes", async () => {
        const q = await queue(false);
        await publisher.publish({ topic: path("topics", q.subscription.split("/").pop()!.replace(/-sub$/, "")), messages: [{ data: Buffer.from('{"url":"https://example.com/broken"}'), attributes: { origin: "test" } }] });
        // Nack until Pub/Sub moves it to the dead-letter topic (after 5 deliveries).
        for (let i = 0; i < 20; i++) {
            const [response] = await subscriber.pull({ subscription: q.subscription, maxMessages: 10, returnImmediately: true });
            const ackIds = (response.receivedMessages ?? []).map((r) => r.ackId!);
            if (ackIds.length > 0) await subscriber.modifyAckDeadline({ subscription: q.subscription, ackIds, ackDeadlineSeconds: 0 });
        }
        const listed = await queuestack(["dlq", "list", ...flags(q), "--queue", "scrape", "--format", "json"]);
        assert.equal(listed.code, 0, listed.err);
        const [message, ...rest] = JSON.parse(listed.out) as { body: string; attributes: Record<string, string>; attempts: number; reason: string }[];
        assert.deepEqual(rest, []);
        assert.equal(message.body, '{"url":"https://example.com/broken"}');
        assert.deepEqual(message.attributes, { origin: "test" });
        assert.equal(message.attempts, 5);
        // Pub/Sub names the source subscription by its short name.
        assert.equal(message.reason, `not acknowledged after 5 deliveries on ${q.subscription.split("/").pop()}`);
    });

    it("purges only after confirmation", async () => {
        const q = await queue(false);
        await fillDeadLetters(q.deadLetterTopic, 12, false);
        const refused = await queuestack(["dlq", "purge", ...flags(q), "--queue", "scrape"], "n\n");
        assert.equal(refused.code, 1);
        const purged = await queuestack(["dlq", "purge", ...flags(q), "--queue", "scrape", "--yes"]);
        assert.deepEqual(purged, { code: 0, out: 'Purged 12 dead letters of "scrape" (stack ops, gcp).', err: "" });
        assert.equal((await drain(q.deadLetter)).length, 0);
    });

    it("sends with an ordering key, and says status needs Cloud Monitoring (exit code 1)", async () => {
        const q = await queue(true);
        const sent = await queuestack(["send", ...flags(q), "--queue", "publish", "--body", '{"seq":1}', "--group", "g9", "--attribute", "origin=smoke"]);
        assert.match(sent.out, /^Sent to "publish" \(stack ops, gcp\): message \S+$/);
        assert.deepEqual(await drain(q.subscription), [{ seq: 1, key: "g9", attributes: { origin: "smoke" } }]);
        const status = await queuestack(["status", ...flags(q), "--queue", "publish"]);
        assert.equal(status.code, 1);
        assert.match(status.err, /^queuestack: status on gcp needs Cloud Monitoring/);
    });
});
