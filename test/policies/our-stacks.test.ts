import * as assert from "node:assert/strict";
import { AzureWebQueueWorker } from "../../components/azure";
import type { SpecInput } from "../../components/spec";
import { runOffline } from "../../components/testing/offline";
import { allPolicies } from "../../policies/all";
import { evaluatePolicies, type Violation } from "../../policies/lib/evaluate";
import { toEvaluatedResources } from "../../policies/lib/offline";
import { fixedCode } from "../azure/fixtures";

const mandatory = (violations: Violation[]) => violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => `${v.policyName}: ${v.message}`);

/** A spec exercising both worker kinds, FIFO queues with each deduplication mode, and alarms. */
const spec: SpecInput = {
    name: "portfolio",
    queues: [
        { name: "scrape", processingTimeSeconds: 20, maxReceiveCount: 5 },
        { name: "publish", ordering: "fifo" },
        { name: "notify", ordering: "fifo", deduplication: "messageId" },
    ],
    workers: [
        { name: "scraper", queue: "scrape", kind: "function", timeoutSeconds: 30 },
        { name: "publisher", queue: "publish", kind: "vm" },
        { name: "notifier", queue: "notify", kind: "function" },
    ],
    alarms: { email: "ops@example.com" },
};

describe("stacks built from our components pass the policy pack", function () {
    this.timeout(300_000);

    it("azure: function and VM workers, FIFO queues: zero mandatory violations, and the stack policies did run", async () => {
        const { resources } = await runOffline(() => new AzureWebQueueWorker("portfolio", { spec, code: fixedCode }), { config: { "azure-native:location": "westeurope" }, stack: "dev" });
        const evaluated = toEvaluatedResources(resources, "queuestack", "dev");
        assert.deepEqual(mandatory(await evaluatePolicies(evaluated, allPolicies)), []);
        // Guard against a vacuous pass: each Azure stack policy found what it checks.
        const names = ["azure-servicebus-queue-require-dead-letter-alarm", "azure-servicebus-consumer-require-idempotency-store"];
        const withoutStores = evaluated.filter((r) => r.type !== "azure-native:cosmosdb:SqlResourceSqlContainer");
        const broken = await evaluatePolicies(withoutStores, allPolicies.filter((p) => names.includes(p.name)));
        assert.equal(broken.filter((v) => v.policyName === "azure-servicebus-consumer-require-idempotency-store").length, 3);
        const noAlerts = evaluated.filter((r) => r.type !== "azure-native:monitor:MetricAlert");
        assert.equal((await evaluatePolicies(noAlerts, allPolicies.filter((p) => names.includes(p.name)))).filter((v) => v.policyName === "azure-servicebus-queue-require-dead-letter-alarm").length, 3);
    });
});
