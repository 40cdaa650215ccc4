import { strict as assert } from "node:assert";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { readPolicyConfig } from "../../cli/policy-check";
import { allPolicies } from "../../policies/all";

const repoRoot = path.resolve(__dirname, "..", "..");

describe("the README's --policy-config example", () => {
    it("names policy-config.json, which exists at the repository root and configures only policies of the pack", () => {
        const file = path.join(repoRoot, "policy-config.json");
        assert.equal(existsSync(file), true);
        const config = readPolicyConfig(file) as Record<string, unknown>;
        const names = new Set(allPolicies.map((p) => p.name));
        assert.deepEqual(Object.keys(config).filter((name) => !names.has(name)), [], "every key is a policy of the pack");
        for (const [name, value] of Object.entries(config)) {
            const level = typeof value === "string" ? value : (value as { enforcementLevel?: string }).enforcementLevel;
            assert.ok(level === undefined || ["advisory", "mandatory", "remediate", "disabled"].includes(level), `${name}: enforcement level ${level}`);
        }
        assert.deepEqual(config["aws-sqs-queue-limit-max-receive-count"], { minimumDeliveryAttempts: 3, maximumDeliveryAttempts: 10 });
    });
});
