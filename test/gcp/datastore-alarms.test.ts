import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { Alarms, Dashboard, Datastore, firestoreCollections } from "../../components/gcp";
import { idempotencyCollection, resultsCollection } from "../../workers/gcp/firestore-store";
import { type PlannedResource, valueOf } from "../../components/testing/offline";
import { jsonInput, ofType, one } from "../helpers/resources";
import { runGcp } from "./offline-gcp";

const queues = [{ name: "scrape", subscriptionName: "queuestack-test-scrape", deadLetterSubscriptionName: "queuestack-test-scrape-dlq" }];
/** Resources in name order (registration order depends on when their inputs resolve). */
const byName = (resources: PlannedResource[]) => [...resources].sort((a, b) => a.name.localeCompare(b.name));
const sub = (metric: string, name: string) =>
    `metric.type="pubsub.googleapis.com/subscription/${metric}" AND resource.type="pubsub_subscription" AND resource.label.subscription_id="${name}"`;

/** The mocked RandomId hex of the database name's suffix (stable per resource name). */
const suffix = createHash("sha256").update("data-database-suffix").digest("hex").slice(0, 6);

describe("gcp Datastore", () => {
    it("creates a native Firestore database with PITR, deleted on destroy, and a TTL policy on expiresAt per collection group", async () => {
        const { resources, result } = await runGcp(() => new Datastore("data"));
        const database = one(resources, "gcp:firestore/database:Database").inputs;
        assert.deepEqual(database, {
            name: `queuestack-test-data-${suffix}`,
            locationId: "europe-west1",
            type: "FIRESTORE_NATIVE",
            concurrencyMode: "OPTIMISTIC",
            pointInTimeRecoveryEnablement: "POINT_IN_TIME_RECOVERY_ENABLED",
            deleteProtectionState: "DELETE_PROTECTION_DISABLED",
            deletionPolicy: "DELETE",
        });
        assert.deepEqual(one(resources, "random:index/randomId:RandomId").inputs, { byteLength: 3 });
        assert.deepEqual(
            ofType(resources, "gcp:firestore/field:Field").map((r) => [r.name, r.parent, r.inputs]),
            ["results", "idempotency"].map((collection) => [
                `data-${collection}-ttl`,
                "data",
                { database: `queuestack-test-data-${suffix}`, collection, field: "expiresAt", ttlConfig: {}, indexConfig: {} },
            ]),
        );
        assert.equal(await valueOf(result.databaseName), `queuestack-test-data-${suffix}`);
    });

    it("puts the TTL policy on the collections the worker store writes", () => {
        assert.deepEqual([...firestoreCollections].sort(), [idempotencyCollection, resultsCollection].sort());
    });

    it("turns point-in-time recovery off when the spec says so", async () => {
        const { resources } = await runGcp(() => new Datastore("data", { datastore: { pointInTimeRecovery: false } }));
        const database = one(resources, "gcp:firestore/database:Database").inputs;
        assert.equal(database.pointInTimeRecoveryEnablement, "POINT_IN_TIME_RECOVERY_DISABLED");
    });

    it("keeps the database on destroy when asked (protected, abandoned), under a per-deployment name a redeploy never collides with", async () => {
        const { resources } = await runGcp(() => new Datastore("data", { keepOnDestroy: true }));
        const database = one(resources, "gcp:firestore/database:Database").inputs;
        assert.equal(database.deleteProtectionState, "DELETE_PROTECTION_ENABLED");
        assert.equal(database.deletionPolicy, "ABANDON");
        assert.equal(database.name, `queuestack-test-data-${suffix}`);
    });
});

describe("gcp Alarms", () => {
    const make = () =>
        new Alarms("alarms", {
            alarms: { email: "ops@example.com", deadLetterDepth: 3, oldestMessageAgeSeconds: 900, workerErrors: 2 },
            queues,
            functions: [{ name: "scraper", functionName: "queuestack-test-scraper" }],
        });

    it("notifies an alarm topic (publishable by the Monitoring agent) and the email address", async () => {
        const { resources, result } = await runGcp(make);
        assert.equal(one(resources, "gcp:pubsub/topic:Topic").inputs.name, "queuestack-test-alarms");
        assert.deepEqual(one(resources, "gcp:pubsub/topicIAMMember:TopicIAMMember").inputs, {
            topic: "queuestack-test-alarms",
            role: "roles/pubsub.publisher",
            member: "serviceAccount:service-123456789012@gcp-sa-monitoring-notification.iam.gserviceaccount.com",
        });
        assert.deepEqual(one(resources, "gcp:projects/serviceIdentity:ServiceIdentity").inputs, { service: "monitoring.googleapis.com" });
        assert.deepEqual(one(resources, "gcp:pubsub/topicIAMMember:TopicIAMMember").dependencies, ["alarms-notification-agent", "alarms-topic"], "granted once the agent exists");
        const channels = byName(ofType(resources, "gcp:monitoring/notificationChannel:NotificationChannel")).map((r) => [r.name, r.inputs.type, r.inputs.labels]);
        assert.deepEqual(channels, [
            ["alarms-email-channel", "email", { email_address: "ops@example.com" }],
            ["alarms-topic-channel", "pubsub", { topic: "projects/demo-project/topics/queuestack-test-alarms" }],
        ]);
        assert.equal(await valueOf(result.channelId), "projects/demo-project/notificationChannels/alarms-topic-channel");
    });

    it("alerts on dead letters, backlog age over the SLA and function errors, to both channels", async () => {
        const { resources } = await runGcp(make);
        const policies = byName(ofType(resources, "gcp:monitoring/alertPolicy:AlertPolicy")).map((r) => r.inputs as any);
        assert.deepEqual(policies.map((p) => p.displayName), [
            "queuestack-test scrape: oldest message older than 900 s",
            "queuestack-test scrape: messages dead-lettered",
            "queuestack-test scraper: errors",
        ]);
        for (const policy of policies) {
            assert.deepEqual(policy.notificationChannels, ["projects/demo-project/notificationChannels/alarms-topic-channel", "projects/demo-project/notificationChannels/alarms-email-channel"]);
            assert.equal(policy.combiner, "OR");
        }
        const thresholds = policies.flatMap((p) => p.conditions.map((c: any) => [c.conditionThreshold.filter, c.conditionThreshold.aggregations[0].perSeriesAligner, c.conditionThreshold.comparison, c.conditionThreshold.thresholdValue]));
        assert.deepEqual(thresholds, [
            [sub("oldest_unacked_message_age", "queuestack-test-scrape"), "ALIGN_MAX", "COMPARISON_GT", 900],
            [sub("dead_letter_message_count", "queuestack-test-scrape"), "ALIGN_SUM", "COMPARISON_GT", 0],
            [sub("num_undelivered_messages", "queuestack-test-scrape-dlq"), "ALIGN_MAX", "COMPARISON_GT", 2],
            [
                'metric.type="run.googleapis.com/request_count" AND resource.type="cloud_run_revision" AND resource.label.service_name="queuestack-test-scraper" AND metric.label.response_code_class="5xx"',
                "ALIGN_SUM",
                "COMPARISON_GT",
                1,
            ],
        ]);
    });

    it("creates no email channel without an email address", async () => {
        const { resources } = await runGcp(() => new Alarms("alarms", { queues }));
        assert.deepEqual(ofType(resources, "gcp:monitoring/notificationChannel:NotificationChannel").map((r) => r.inputs.type), ["pubsub"]);
        assert.equal(ofType(resources, "gcp:monitoring/alertPolicy:AlertPolicy").length, 2);
    });
});

describe("gcp Dashboard", () => {
    it("charts depth, oldest age, in flight, dead-letter depth and processing time per queue", async () => {
        const { resources } = await runGcp(() => new Dashboard("dash", { queues }));
        const body = jsonInput(one(resources, "gcp:monitoring/dashboard:Dashboard"), "dashboardJson");
        assert.equal(body.displayName, "queuestack-test-queues");
        const charts = body.mosaicLayout.tiles.map((t: any) => [t.widget.title, t.widget.xyChart.dataSets[0].timeSeriesQuery.timeSeriesFilter.filter]);
        assert.deepEqual(charts, [
            ["scrape: depth", sub("num_undelivered_messages", "queuestack-test-scrape")],
            ["scrape: oldest message age", sub("oldest_unacked_message_age", "queuestack-test-scrape")],
            ["scrape: in flight", sub("num_outstanding_messages", "queuestack-test-scrape")],
            ["scrape: dead-letter depth", sub("num_undelivered_messages", "queuestack-test-scrape-dlq")],
            ["scrape: processing time (p95)", sub("ack_latencies", "queuestack-test-scrape")],
        ]);
        assert.deepEqual(body.mosaicLayout.tiles.map((t: any) => [t.xPos, t.yPos]), [[0, 0], [4, 0], [8, 0], [0, 4], [4, 4]]);
    });
});
