import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import {
    type Cloud,
    checkSpec,
    clouds,
    defaultLevelOf,
    defaultQueueLevel,
    formatIssue,
    largeMessageExpireDays,
    levelShares,
    needsDelayScheduler,
    queueLevels,
    topicMaxMessageKb,
    topicOrdering,
    topicsFeeding,
    validateSpec,
} from "../../components/spec";

const root = path.resolve(__dirname, "..", "..");

/** The error lines a spec produces for `cloud`. */
function problems(input: unknown, cloud: Cloud = "aws"): string[] {
    return checkSpec(input, cloud).issues.map(formatIssue);
}

const levels3 = [{ name: "high", weight: 3 }, { name: "normal", weight: 1 }, { name: "low", weight: 1 }];
const weights = (...w: number[]) => w.map((weight) => ({ weight }));

describe("spec: queue patterns", () => {
    describe("defaults", () => {
        it("fills every pattern default and leaves the optional keys absent", () => {
            const spec = validateSpec({ name: "shop", queues: [{ name: "orders", priorities: { levels: levels3 } }], topics: [{ name: "events", subscribers: ["orders"] }] }, "aws");
            const queue = spec.queues[0]!;
            assert.equal(queue.maxDelaySeconds, 0);
            assert.deepEqual(queue.priorities, { levels: levels3, promoteAfterSeconds: 300 });
            for (const key of ["groupKey", "deduplicationKey"] as const) assert.equal(key in queue, false, key);
            assert.deepEqual(spec.topics, [{ name: "events", subscribers: ["orders"] }]);
            assert.deepEqual(spec.largeMessages, { enabled: false, maxBodyMb: 5 });
            assert.equal("expireDays" in spec.largeMessages, false);
            assert.equal(spec.frontEnd.maxWaitSeconds, 0);
        });

        it("accepts every pattern together on every target", () => {
            const input = {
                name: "shop",
                frontEnd: { maxBodyKb: 3000, maxWaitSeconds: 25 },
                queues: [
                    { name: "orders", maxDelaySeconds: 2_592_000, priorities: { levels: levels3, defaultLevel: "normal", promoteAfterSeconds: 600 } },
                    { name: "ledger", ordering: "fifo", deduplication: "messageId", groupKey: "body.account.id", deduplicationKey: "body.entryId" },
                    { name: "emails" },
                ],
                topics: [{ name: "order-events", subscribers: ["orders", "emails"] }],
                largeMessages: { enabled: true, maxBodyMb: 2, expireDays: 49 },
                workers: [{ name: "fulfil", queue: "orders", kind: "vm" }, { name: "book", queue: "ledger", kind: "vm" }, { name: "mail", queue: "emails", kind: "vm" }],
            };
            for (const cloud of clouds) assert.deepEqual(problems(input, cloud), [], cloud);
        });
    });

    describe("schema limits", () => {
        it("reports each out-of-range pattern field with its bound and fix", () => {
            const input = {
                name: "shop",
                frontEnd: { maxWaitSeconds: 26 },
                queues: [{ name: "orders", maxDelaySeconds: 2_592_001, groupKey: "customerId", deduplicationKey: "body.", priorities: { levels: [{ name: "High", weight: 0 }], promoteAfterSeconds: 0 } }],
                topics: [{ name: "t", subscribers: [] }],
                largeMessages: { maxBodyMb: 101, expireDays: 0 },
            };
            assert.deepEqual(problems(input), [
                "frontEnd.maxWaitSeconds: must be at most 25 (got 26). Lower it to 25 or less.",
                "queues[0].maxDelaySeconds: must be at most 2592000 (got 2592001). Lower it to 2592000 or less.",
                'queues[0].groupKey: must be body.<field>[.<field>...] (got "customerId"). Use e.g. "body.customerId" for the group key.',
                'queues[0].deduplicationKey: must be body.<field>[.<field>...] (got "body."). Use e.g. "body.customerId" for the deduplication id.',
                'queues[0].priorities.levels[0].name: must be lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen (got "High"). Rename it, e.g. "orders" or "image-resize".',
                "queues[0].priorities.levels[0].weight: must be at least 1 (got 0). Raise it to 1 or more.",
                'queues[0].priorities.levels: must list at least 2 items (got [{"name":"High","weight":0}]). Add at least 2 items.',
                "queues[0].priorities.promoteAfterSeconds: must be at least 1 (got 0). Raise it to 1 or more.",
                'topics[0].name: must be at least 2 characters (got "t"). Use at least 2 characters.',
                "topics[0].subscribers: must list at least 1 item (got []). Add one.",
                "largeMessages.maxBodyMb: must be at most 100 (got 101). Lower it to 100 or less.",
                "largeMessages.expireDays: must be at least 1 (got 0). Raise it to 1 or more.",
            ]);
        });

        it("caps levels at five, weights at 100, level names at 10 characters and the promotion bound at a day", () => {
            const six = ["a1", "b2", "c3", "d4", "e5", "f6"].map((name) => ({ name, weight: 1 }));
            assert.deepEqual(problems({ name: "shop", queues: [{ name: "orders", priorities: { levels: six } }] }), [
                "queues[0].priorities.levels: must list at most 5 items (got [{\"name\":\"a1\",\"weight\":1},{\"name\":\"b2\",\"weight\":1},{\"name...). Remove items to keep 5 or fewer.",
            ]);
            const input = { name: "shop", queues: [{ name: "orders", priorities: { levels: [{ name: "interactive", weight: 101 }, { name: "low", weight: 1 }], promoteAfterSeconds: 86_401 } }] };
            assert.deepEqual(problems(input), [
                'queues[0].priorities.levels[0].name: must be at most 10 characters (got "interactive"). Shorten it to 10 characters or fewer.',
                "queues[0].priorities.levels[0].weight: must be at most 100 (got 101). Lower it to 100 or less.",
                "queues[0].priorities.promoteAfterSeconds: must be at most 86400 (got 86401). Lower it to 86400 or less.",
            ]);
        });
    });

    describe("fan-out topic rules", () => {
        const queues = [{ name: "orders" }, { name: "emails" }, { name: "audit", ordering: "fifo" }];

        it("reports repeated names, unknown and repeated subscribers, a queue's name and mixed orderings", () => {
            const topics = [
                { name: "order-events", subscribers: ["orders", "emails"] },
                { name: "order-events", subscribers: ["email", "orders", "orders"] },
                { name: "orders", subscribers: ["orders", "audit"] },
            ];
            assert.deepEqual(problems({ name: "shop", queues, topics }), [
                'topics[1].name: repeats the topic name "order-events" (got "order-events"). Give each topic its own name.',
                'topics[1].subscribers[0]: must name a queue in queues (got "email"). Did you mean "emails"?',
                'topics[1].subscribers[2]: repeats subscriber "orders" (got "orders"). List each queue once; a queue receives one copy per topic.',
                'topics[2].name: must differ from every queue name ("orders" is a queue) (got "orders"). Rename the topic, e.g. with an -events suffix, so POST /queues/<name> and POST /topics/<name> stay distinct.',
                'topics[2].subscribers: must be all fifo queues or all unordered queues (got ["orders","audit"]). Split the topic in two: one for the fifo subscribers, one for the others (a topic is FIFO or not).',
            ]);
        });

        it("keeps topic names apart from priority levels' queues and the stack's own alarm topic", () => {
            const leveled = [{ name: "jobs", priorities: { levels: [{ name: "high", weight: 3 }, { name: "low", weight: 1 }] } }, { name: "audit" }];
            assert.deepEqual(problems({ name: "shop", queues: leveled, topics: [{ name: "jobs-high", subscribers: ["audit"] }, { name: "alarms", subscribers: ["audit"] }] }), [
                'topics[0].name: must differ from every priority level\'s queue ("jobs-high" is a level of queue "jobs") (got "jobs-high"). Rename the topic, e.g. with an -events suffix: on azure topics and queues share one namespace.',
                'topics[1].name: must not be "alarms" (the stack\'s own alarms topic has that name) (got "alarms"). Rename the topic, e.g. "alarms-events".',
            ]);
        });

        it("lists the queues when an unknown subscriber is no near miss", () => {
            assert.deepEqual(problems({ name: "shop", queues, topics: [{ name: "events", subscribers: ["billing"] }] }), [
                'topics[0].subscribers[0]: must name a queue in queues (got "billing"). Use one of the queues: orders, emails, audit.',
            ]);
        });

        it("needs the standard Service Bus tier on azure only", () => {
            const input = { name: "shop", queues: [{ name: "orders" }], topics: [{ name: "events", subscribers: ["orders"] }], azure: { serviceBusTier: "basic" } };
            assert.deepEqual(problems(input, "azure"), [
                'topics[0].name: needs the standard or premium Service Bus tier on azure (Basic has no topics) (got "events"). Set azure.serviceBusTier to standard.',
            ]);
            for (const cloud of ["aws", "gcp", "local"] as const) assert.deepEqual(problems(input, cloud), [], cloud);
        });
    });

    describe("group, deduplication and delay rules", () => {
        it("ties groupKey to fifo, deduplicationKey to messageId and forbids delays on fifo queues", () => {
            const input = {
                name: "shop",
                queues: [
                    { name: "orders", groupKey: "body.customerId", deduplicationKey: "body.orderId", maxDelaySeconds: 60 },
                    { name: "audit", ordering: "fifo", maxDelaySeconds: 60, deduplicationKey: "body.id" },
                ],
            };
            assert.deepEqual(problems(input, "local"), [
                'queues[0].groupKey: needs ordering: fifo (only FIFO queues keep groups) (got "body.customerId"). Set ordering: fifo, or remove groupKey.',
                'queues[0].deduplicationKey: needs deduplication: messageId (the queue deduplicates by the sender\'s id) (got "body.orderId"). Set deduplication: messageId, or remove deduplicationKey.',
                'queues[1].deduplicationKey: needs deduplication: messageId (the queue deduplicates by the sender\'s id) (got "body.id"). Set deduplication: messageId, or remove deduplicationKey.',
                "queues[1].maxDelaySeconds: must be 0 on a fifo queue (a delayed message would be overtaken by later messages of its group) (got 60). Set it to 0, or use an unordered queue for delayed work.",
            ]);
        });

        it("accepts the keys on a fifo queue that deduplicates by message id", () => {
            const input = { name: "shop", queues: [{ name: "audit", ordering: "fifo", deduplication: "messageId", groupKey: "body.account", deduplicationKey: "body.id" }] };
            for (const cloud of clouds) assert.deepEqual(problems(input, cloud), [], cloud);
        });
    });

    describe("priority rules", () => {
        it("reports repeated levels, an unknown default, fifo and a level queue that clashes with a queue", () => {
            const input = {
                name: "shop",
                queues: [{ name: "orders", ordering: "fifo", priorities: { levels: [{ name: "high", weight: 3 }, { name: "high", weight: 1 }], defaultLevel: "hihg" } }, { name: "orders-high" }],
            };
            assert.deepEqual(problems(input), [
                'queues[0].priorities.levels[1].name: repeats the level name "high" (got "high"). Give each level its own name.',
                'queues[0].priorities.defaultLevel: must name one of the levels (got "hihg"). Did you mean "high"?',
                'queues[0].priorities: cannot combine with ordering: fifo (a group split across levels would run out of order) (got ["high","high"]). Remove priorities, or use an unordered queue.',
                'queues[0].priorities.levels: level "high" makes queue "orders-high", which is already a queue name (got "high"). Rename the level or the other queue.',
            ]);
        });

        it("lists the levels when the default is no near miss", () => {
            assert.deepEqual(problems({ name: "shop", queues: [{ name: "orders", priorities: { levels: levels3, defaultLevel: "urgent" } }] }), [
                'queues[0].priorities.defaultLevel: must name one of the levels (got "urgent"). Use one of the levels: high, normal, low.',
            ]);
        });
    });

    describe("large message rules", () => {
        it("needs the blobs to outlive queue + dead-letter retention and a front end that accepts large bodies", () => {
            const input = { name: "shop", queues: [{ name: "orders" }, { name: "archive", retentionDays: 7, deadLetter: { retentionDays: 14 } }], largeMessages: { enabled: true, maxBodyMb: 2, expireDays: 21 } };
            assert.deepEqual(problems(input), [
                "largeMessages.expireDays: must be longer than the longest queue maxDelaySeconds + retention + dead-letter retention (21 days) (got 21). Raise it to 22 or remove it to use the default, so no message points at a deleted body.",
                "frontEnd.maxBodyKb: must exceed the smallest queue maxMessageKb (256) when largeMessages is enabled (got 256). Raise it (up to 2048) so bodies that need the claim check are accepted, or turn largeMessages off.",
            ]);
            assert.deepEqual(problems({ ...input, largeMessages: { enabled: true, maxBodyMb: 2, expireDays: 22 }, frontEnd: { maxBodyKb: 257 } }), []);
        });

        it("counts the longest per-message delay in the blobs' lifetime", () => {
            const input = { name: "shop", frontEnd: { maxBodyKb: 1024 }, queues: [{ name: "orders", maxDelaySeconds: 86_401 }], largeMessages: { enabled: true, maxBodyMb: 2, expireDays: 20 } };
            assert.deepEqual(problems(input), [
                "largeMessages.expireDays: must be longer than the longest queue maxDelaySeconds + retention + dead-letter retention (20 days) (got 20). Raise it to 21 or remove it to use the default, so no message points at a deleted body.",
            ]);
            assert.deepEqual(problems({ ...input, largeMessages: { enabled: true, maxBodyMb: 2, expireDays: 21 } }), []);
        });

        it("bounds maxBodyMb and frontEnd.maxBodyKb by the largest request each target's front end takes", () => {
            const input = (maxBodyMb: number) => ({ name: "shop", frontEnd: { maxBodyKb: 1024 }, queues: [{ name: "orders" }], largeMessages: { enabled: true, maxBodyMb } });
            // aws: 3,000 KiB, what one Lambda invocation carries after escaping (test/aws/invoke-payload.test.ts).
            assert.deepEqual(problems(input(3), "aws"), ["largeMessages.maxBodyMb: must be at most 2 on aws (the largest request its front end takes) (got 3). Lower it to 2 or less."]);
            assert.deepEqual(problems(input(33), "gcp"), ["largeMessages.maxBodyMb: must be at most 32 on gcp (the largest request its front end takes) (got 33). Lower it to 32 or less."]);
            for (const cloud of ["azure", "local"] as const) assert.deepEqual(problems(input(100), cloud), [], cloud);
            assert.deepEqual(problems(input(2), "aws"), []);
            assert.deepEqual(problems(input(32), "gcp"), []);
            const body = (maxBodyKb: number) => ({ name: "shop", frontEnd: { maxBodyKb }, queues: [{ name: "orders" }] });
            assert.deepEqual(problems(body(3001), "aws"), ["frontEnd.maxBodyKb: must be at most 3000 on aws (got 3001). Lower it to 3000 KiB or less."]);
            for (const cloud of ["azure", "gcp", "local"] as const) assert.deepEqual(problems(body(10_240), cloud), [], cloud);
        });

        it("checks nothing while the claim check is off", () => {
            assert.deepEqual(problems({ name: "shop", queues: [{ name: "orders" }], largeMessages: { enabled: false, expireDays: 1 } }), []);
        });
    });

    describe("derived values", () => {
        it("queueLevels: one physical queue per level, highest first, or the queue itself", () => {
            const spec = validateSpec({ name: "shop", queues: [{ name: "orders", priorities: { levels: levels3 } }, { name: "emails" }] }, "aws");
            assert.deepEqual(queueLevels(spec.queues[0]!), [
                { name: "orders-high", level: "high", rank: 0, weight: 3 },
                { name: "orders-normal", level: "normal", rank: 1, weight: 1 },
                { name: "orders-low", level: "low", rank: 2, weight: 1 },
            ]);
            assert.deepEqual(queueLevels(spec.queues[1]!), [{ name: "emails", rank: 0, weight: 1 }]);
        });

        it("defaultLevelOf: the named default, else the lowest level, else none", () => {
            const spec = validateSpec({
                name: "shop",
                queues: [{ name: "orders", priorities: { levels: levels3 } }, { name: "emails", priorities: { levels: levels3, defaultLevel: "normal" } }, { name: "audit" }],
            }, "aws");
            assert.deepEqual(spec.queues.map(defaultLevelOf), ["low", "normal", undefined]);
            assert.deepEqual(spec.queues.map(defaultQueueLevel), [
                { name: "orders-low", level: "low", rank: 2, weight: 1 },
                { name: "emails-normal", level: "normal", rank: 1, weight: 1 },
                { name: "audit", rank: 0, weight: 1 },
            ]);
        });

        it("levelShares: splits by weight with the largest remainder, then raises each level to the floor from the largest shares", () => {
            assert.deepEqual(levelShares(10, weights(3, 1, 1)), [6, 2, 2]);
            assert.deepEqual(levelShares(5, weights(3, 1, 1)), [3, 1, 1]);
            assert.deepEqual(levelShares(11, weights(3, 1, 1)), [7, 2, 2]);
            assert.deepEqual(levelShares(10, weights(1, 1, 1)), [4, 3, 3]);
            assert.deepEqual(levelShares(20, weights(3, 1, 1), 2), [12, 4, 4]);
            // The floors are taken from the largest share, so the sum stays at the total.
            assert.deepEqual(levelShares(10, weights(8, 1, 1), 2), [6, 2, 2]);
            assert.deepEqual(levelShares(7, weights(3, 1, 1), 2), [3, 2, 2]);
            // The floors force more slots than the total: every level still gets its floor.
            assert.deepEqual(levelShares(4, weights(3, 1, 1), 2), [2, 2, 2]);
            assert.deepEqual(levelShares(2, weights(1, 1, 1)), [1, 1, 1]);
        });

        it("needsDelayScheduler: aws above 900 s, gcp for any delay, never on azure or local", () => {
            const spec = validateSpec({ name: "shop", queues: [{ name: "none" }, { name: "short", maxDelaySeconds: 900 }, { name: "long", maxDelaySeconds: 901 }, { name: "month", maxDelaySeconds: 2_592_000 }] }, "local");
            const table = Object.fromEntries(clouds.map((cloud) => [cloud, spec.queues.map((q) => needsDelayScheduler(q, cloud))]));
            assert.deepEqual(table, {
                aws: [false, false, true, true],
                azure: [false, false, false, false],
                gcp: [false, true, true, true],
                local: [false, false, false, false],
            });
        });

        it("largeMessageExpireDays: explicit, else the longest delay (whole days) + queue + dead-letter retention, plus one", () => {
            const queues = [{ name: "orders" }, { name: "archive", retentionDays: 7, deadLetter: { retentionDays: 20 } }];
            assert.equal(largeMessageExpireDays(validateSpec({ name: "shop", queues }, "gcp")), 28);
            assert.equal(largeMessageExpireDays(validateSpec({ name: "shop", queues: [{ name: "orders" }] }, "aws")), 19);
            assert.equal(largeMessageExpireDays(validateSpec({ name: "shop", queues, largeMessages: { expireDays: 90 } }, "gcp")), 90);
            // A month-long delay, then 4 days in the queue and 14 in its dead-letter queue.
            assert.equal(largeMessageExpireDays(validateSpec({ name: "shop", queues: [...queues, { name: "later", maxDelaySeconds: 2_592_000 }] }, "gcp")), 49);
            assert.equal(largeMessageExpireDays(validateSpec({ name: "shop", queues: [{ name: "later", maxDelaySeconds: 1 }] }, "gcp")), 20);
        });

        it("topicOrdering and topicsFeeding follow the subscribers", () => {
            const spec = validateSpec({
                name: "shop",
                queues: [{ name: "orders" }, { name: "emails" }, { name: "ledger", ordering: "fifo" }, { name: "audit", ordering: "fifo" }],
                topics: [{ name: "order-events", subscribers: ["orders", "emails"] }, { name: "ledger-events", subscribers: ["ledger", "audit"] }, { name: "mail-events", subscribers: ["emails"] }],
            }, "aws");
            assert.deepEqual(spec.topics.map((t) => topicOrdering(spec, t)), ["none", "fifo", "none"]);
            assert.deepEqual(topicsFeeding(spec, "emails").map((t) => t.name), ["order-events", "mail-events"]);
            assert.deepEqual(topicsFeeding(spec, "audit").map((t) => t.name), ["ledger-events"]);
            assert.deepEqual(topicsFeeding(spec, "orders").map((t) => t.name), ["order-events"]);
        });

        it("topicMaxMessageKb: the smallest maxMessageKb among the topic's subscribers only", () => {
            const spec = validateSpec({
                name: "shop",
                queues: [{ name: "orders", maxMessageKb: 200 }, { name: "emails", maxMessageKb: 64 }, { name: "audit", maxMessageKb: 16 }],
                topics: [{ name: "order-events", subscribers: ["orders", "emails"] }, { name: "order-copies", subscribers: ["orders"] }],
            }, "aws");
            assert.deepEqual(spec.topics.map((t) => topicMaxMessageKb(spec, t)), [64, 200]);
        });
    });

    describe("example stack files, one per pattern", () => {
        /** Each pattern's example, the cloud it targets, and what makes it that pattern's example. */
        const examples: Record<string, { cloud: Cloud; shows: (spec: ReturnType<typeof validateSpec>) => boolean }> = {
            priorities: { cloud: "aws", shows: (s) => s.queues.every((q) => q.priorities !== undefined) },
            delays: { cloud: "gcp", shows: (s) => s.queues.every((q) => needsDelayScheduler(q, "aws") && needsDelayScheduler(q, "gcp")) },
            ordered: { cloud: "azure", shows: (s) => s.queues.every((q) => q.ordering === "fifo" && q.groupKey !== undefined) && s.queues.some((q) => q.deduplicationKey !== undefined) },
            fanout: { cloud: "aws", shows: (s) => s.topics.length > 0 && s.topics.some((t) => t.subscribers.length > 1) },
            "large-messages": { cloud: "azure", shows: (s) => s.largeMessages.enabled },
            "request-response": { cloud: "gcp", shows: (s) => s.frontEnd.maxWaitSeconds > 0 },
        };
        for (const [stack, expected] of Object.entries(examples)) {
            it(`Pulumi.${stack}.yaml targets ${expected.cloud}, points at the stack-config schema and validates on every target`, () => {
                const text = readFileSync(path.join(root, `Pulumi.${stack}.yaml`), "utf8");
                assert.match(text, /^# yaml-language-server: \$schema=\.\/schema\/stack-config\.schema\.json$/m);
                assert.match(text, /^# Valid on every target \(aws, azure, gcp, local\)\.$/m);
                const config = parse(text).config;
                assert.equal(config["queuestack:cloud"], expected.cloud);
                for (const cloud of clouds) assert.deepEqual(problems(config["queuestack:spec"], cloud), [], `${stack} on ${cloud}`);
                assert.ok(expected.shows(validateSpec(config["queuestack:spec"], expected.cloud)), `${stack} does not show its pattern`);
            });
        }
    });
});
