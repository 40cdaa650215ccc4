import { strict as assert } from "node:assert";
import { gcpLabels, gcpName, gcpNames } from "../../components/gcp/names";

const long = ["portfolio-production", "europe-west1", "a-rather-long-queue-name-here", "dlq"];

describe("gcp names", () => {
    it("keeps short topic names as they are and shortens long ones with a stable hash", () => {
        assert.equal(gcpName(gcpNames.pubsubTopic, ["portfolio", "dev", "scrape"]), "portfolio-dev-scrape");
        const parts = Array.from({ length: 30 }, (_, i) => `segment-${i}`);
        const name = gcpName(gcpNames.pubsubTopic, parts);
        assert.equal(name.length, 255);
        assert.equal(name, gcpName(gcpNames.pubsubTopic, parts));
        assert.notEqual(name, gcpName(gcpNames.pubsubTopic, [...parts.slice(0, -1), "segment-x"]));
    });

    it("pads topic names to Pub/Sub's 3-character minimum", () => {
        const name = gcpName(gcpNames.pubsubTopic, ["a"]);
        assert.equal(name.length, 3);
        assert.match(name, /^a-[0-9a-f]$/);
    });

    it("makes service account ids of 6-30 lowercase letters, digits and hyphens", () => {
        const longId = gcpName(gcpNames.serviceAccountId, long);
        assert.ok(longId.length <= 30, longId);
        assert.match(longId, /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/);
        const shortId = gcpName(gcpNames.serviceAccountId, ["ab", "fe"]);
        assert.ok(shortId.length >= 6, shortId);
        assert.match(shortId, /^ab-fe-[0-9a-f]$/);
        assert.equal(gcpName(gcpNames.serviceAccountId, ["Portfolio", "Dev_1"]), "portfolio-dev-1");
    });

    it("keeps function, compute and Firestore names within 63 characters, lowercase, not ending in a hyphen", () => {
        for (const rule of [gcpNames.cloudFunction, gcpNames.compute, gcpNames.firestoreDatabase]) {
            const name = gcpName(rule, [...long, "worker-with-a-long-name"]);
            assert.ok(name.length <= 63 && name.length > 55, name);
            assert.match(name, /^[a-z][a-z0-9-]*[a-z0-9]$/);
        }
        assert.equal(gcpName(gcpNames.firestoreDatabase, ["db"]).length, 4);
    });

    it("leaves room for the provider's suffix on instance template prefixes (at most 37 characters with the hyphen)", () => {
        const prefix = gcpName(gcpNames.instanceTemplatePrefix, long);
        assert.ok(prefix.length <= 37, prefix);
        assert.match(prefix, /^[a-z][a-z0-9-]*[a-z0-9]-$/);
        assert.ok(gcpName(gcpNames.baseInstanceName, [...long, "x".repeat(40)]).length <= 58);
    });

    it("keeps bucket names within 63 lowercase characters", () => {
        assert.equal(gcpName(gcpNames.storageBucket, ["My-Project", "Dev", "source"]), "my-project-dev-source");
        assert.match(gcpName(gcpNames.storageBucket, long.concat("function-source-objects")), /^[a-z0-9][a-z0-9_.-]{1,61}[a-z0-9]$/);
    });

    it("turns tags into valid labels", () => {
        assert.deepEqual(gcpLabels({ Team: "Data Platform", "cost:center": "R&D-42" }), { team: "data_platform", cost_center: "r_d-42" });
    });
});
