import { strict as assert } from "node:assert";
import * as path from "node:path";
import { runStackOffline } from "../../cli/offline-stack";
import { planPolicyReport } from "../../cli/plan-policy";
import { checkStack, formatCheck } from "../../cli/policy-check";
import policyPackage from "../../policies/package.json";
import { mermaidDiagram } from "../../cli/plan-diagram";
import { validateSpec } from "../../components/spec";
import { opsSpec } from "./ops-cli";

describe("queuestack plan diagram", () => {
    it("draws front end -> queues (with dead letters) -> workers -> datastore, and what each alarm watches", () => {
        assert.equal(
            mermaidDiagram(validateSpec(opsSpec, "aws"), "aws"),
            [
                "flowchart LR",
                '    frontEnd["front end<br/>API Gateway HTTP API"]',
                '    datastore[("datastore<br/>DynamoDB")]',
                '    alarms{{"alarms<br/>CloudWatch alarms -> SNS<br/>dead letters >= 3, oldest >= 600 s"}}',
                '    queue_scrape[["queue scrape<br/>SQS"]]',
                '    dlq_scrape[("scrape dead letters<br/>SQS DLQ")]',
                "    frontEnd --> queue_scrape",
                '    queue_scrape -.->|"after 5 deliveries"| dlq_scrape',
                "    dlq_scrape -.->|depth| alarms",
                '    queue_scrape -.->|"backlog age"| alarms',
                '    queue_publish[["queue publish<br/>SQS FIFO"]]',
                '    dlq_publish[("publish dead letters<br/>SQS DLQ")]',
                "    frontEnd --> queue_publish",
                '    queue_publish -.->|"after 5 deliveries"| dlq_publish',
                "    dlq_publish -.->|depth| alarms",
                '    queue_publish -.->|"backlog age"| alarms',
                '    worker_scraper["worker scraper<br/>Lambda"]',
                "    queue_scrape --> worker_scraper",
                "    worker_scraper --> datastore",
                "    worker_scraper -.->|errors| alarms",
                '    worker_publisher["worker publisher<br/>Lambda"]',
                "    queue_publish --> worker_publisher",
                "    worker_publisher --> datastore",
                "    worker_publisher -.->|errors| alarms",
            ].join("\n"),
        );
    });

    it("names each cloud's services, and VM workers as such", () => {
        const spec = validateSpec({ ...opsSpec, workers: [{ name: "scraper", queue: "scrape", kind: "vm", code: "workers/example" }] }, "gcp");
        const diagram = mermaidDiagram(spec, "gcp");
        assert.ok(diagram.includes('    worker_scraper["worker scraper<br/>managed instance group"]'), diagram);
        assert.ok(diagram.includes('    queue_publish[["queue publish<br/>Pub/Sub FIFO"]]'), diagram);
        assert.equal(diagram.includes("worker_publisher"), false, "no worker consumes publish");
        assert.equal(diagram.includes("Lambda"), false);
    });
});

describe("queuestack plan policy verdict", () => {
    it("is the pack's check of the planned resources, as `queuestack policy` reports it", async function () {
        this.timeout(120_000);
        const root = path.resolve(__dirname, "..", "..");
        const planned = await runStackOffline("dev", root);
        assert.equal(planned.project, "queuestack", "the project name of this repository's Pulumi.yaml");
        const report = await planPolicyReport(planned);
        const direct = await checkStack("dev", { dir: root });
        assert.ok(report, "the pack is part of this checkout");
        assert.equal(report.check.resources.length, direct.resources.length);
        assert.deepEqual(report.check.violations, direct.violations);
        assert.equal(report.check.failed, false);
        assert.equal(report.text, formatCheck(direct, policyPackage.version));
        assert.match(report.text, /^Stack "dev": passed \(0 mandatory, \d+ advisory violations?, \d+ resources checked\)\n/);
    });
});
