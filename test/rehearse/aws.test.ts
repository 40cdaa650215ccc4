import { strict as assert } from "node:assert";
import * as path from "node:path";
import { EmulatorPool, rehearse } from "../../rehearse";
import { broken, row } from "./helpers";
import { installed } from "../../rehearse/emulators/process";
import type { PlannedStack } from "../../rehearse/index";
import { planStack } from "../../rehearse/plan-stack";
import { contractChecks } from "../../rehearse/contracts";
import { validateSpec } from "../../components/spec";
import type { PlannedResource } from "../../rehearse/plan";

const root = path.resolve(__dirname, "..", "..");
const pathNames = [
    "stand up the planned resources on moto",
    "accept -> queue -> worker -> datastore -> GET /jobs/{id}",
    "request without the API key is refused",
    "poison -> dead-letter queue after the planned attempts",
    "redrive back to the queue",
];

describe("rehearse: AWS on moto with IAM authorization on", function () {
    this.timeout(120_000);
    let planned: PlannedStack;
    const emulators = new EmulatorPool();

    before(async function () {
        if (!installed("moto_server")) {
            console.warn("    moto_server is not on PATH: skipping (install it with `pip install 'moto[server]'`).");
            this.skip();
        }
        planned = await planStack("dev", root);
    });
    after(() => emulators.stop());

    it("walks every user path of the dev stack, each passing, and says what moto does not check", async () => {
        const report = await rehearse({ ...planned, replan: undefined }, { emulators });
        assert.deepEqual(
            report.checks.map((c) => [c.kind, c.name, c.status]),
            [
                ["contract", "runtimes supported 90+ more days", "pass"],
                ["contract", "physical names fit their cloud's rules", "pass"],
                ["contract", "function environments fit 4 KB", "pass"],
                ...pathNames.map((name) => ["path", name, "pass"]),
                ["not rehearsed", "IAM resource scoping", "skip"],
                ["not rehearsed", "IAM resource scoping", "skip"],
                ["not rehearsed", "IAM resource scoping", "skip"],
                ["not rehearsed", "resources moto does not stand up here", "skip"],
            ],
            report.checks.filter((c) => c.status === "fail").map((c) => `${c.name}: ${c.detail}`).join("\n"),
        );
        assert.equal(row(report, "stand up the planned resources on moto").detail, "2 Queue, 1 RedriveAllowPolicy, 2 QueuePolicy, 1 Table, 1 Secret, 1 SecretVersion, 1 Topic, 2 Role, 2 RolePolicy");
        assert.match(row(report, "accept -> queue -> worker -> datastore -> GET /jobs/{id}").detail, /^202 -> 1 delivery -> \/jobs\/[0-9a-f-]{36} done$/);
        assert.equal(row(report, "resources moto does not stand up here").detail, "1 Dashboard, 1 Key, 2 LogGroup, 4 MetricAlarm, 1 Permission, 1 RandomPassword");
        assert.match(row(report, "poison -> dead-letter queue after the planned attempts").detail, /^5 deliveries \(planned 5\) -> portfolio-dev-scrape-dlq, reason ".*is not a URL"$/);
        assert.match(row(report, "redrive back to the queue").detail, /^1 moved portfolio-dev-scrape-dlq -> portfolio-dev-scrape, delivered again 5x$/);
        const skipped = report.checks.filter((c) => c.kind === "not rehearsed").map((c) => c.detail);
        assert.ok(skipped.some((d) => d.includes("dynamodb actions but not their resources")), skipped.join("\n"));
        assert.ok(skipped.some((d) => d.includes("MetricAlarm")), skipped.join("\n"));
    });

    it("names a dropped IAM action: the front end's SendMessage is denied by moto", async () => {
        const dropped = broken(planned, 1, (r) => r.type === "aws:iam/rolePolicy:RolePolicy" && String(r.inputs.policy).includes("sqs:SendMessage"), (inputs) => ({
            ...inputs,
            policy: String(inputs.policy).replace('"sqs:SendMessage"', '"sqs:GetQueueUrl"'),
        }));
        const report = await rehearse(dropped, { emulators });
        const accept = row(report, "accept -> queue -> worker -> datastore -> GET /jobs/{id}");
        assert.equal(accept.status, "fail");
        assert.match(accept.detail, /the emulator answered: 403 AccessDenied: User: arn:aws:sts::123456789012:assumed-role\/portfolio-dev-eu-west-1-front-end\/queuestack-rehearsal is not authorized to perform: sqs:SendMessage/);
        assert.equal(row(report, "request without the API key is refused").status, "pass");
    });

    it("names a renamed environment variable: the worker cannot start and says which variable it misses", async () => {
        const isWorker = (r: PlannedResource) => r.type === "aws:lambda/function:Function" && r.name.includes("scraper");
        const variables = Object.keys((planned.resources.find(isWorker)!.inputs.environment as { variables: Record<string, string> }).variables);
        const renamed = broken(planned, 1, isWorker, (inputs) => {
            const env = (inputs.environment as { variables: Record<string, string> }).variables;
            return { ...inputs, environment: { variables: Object.fromEntries(Object.entries(env).map(([k, v]) => [`${k}_RENAMED`, v])) } };
        });
        const report = await rehearse(renamed, { emulators });
        const accept = row(report, "accept -> queue -> worker -> datastore -> GET /jobs/{id}");
        assert.equal(accept.status, "fail");
        assert.match(accept.detail, /portfolio-dev-scraper failed: ConfigError/);
        assert.ok(variables.some((name) => accept.detail.includes(`${name} `)), accept.detail);
    });

    it("names a shrunk dead-letter path: the plan redrives after 2 deliveries where the spec asks for 5", async () => {
        const shrunk = broken(planned, 1, (r) => r.type === "aws:sqs/queue:Queue" && r.inputs.redrivePolicy !== undefined, (inputs) => ({
            ...inputs,
            redrivePolicy: String(inputs.redrivePolicy).replace('"maxReceiveCount":5', '"maxReceiveCount":2'),
        }));
        const report = await rehearse(shrunk, { emulators });
        const poison = row(report, "poison -> dead-letter queue after the planned attempts");
        assert.equal(poison.status, "fail");
        assert.equal(
            poison.detail,
            'the poison message reached portfolio-dev-scrape-dlq after 2 deliveries, as portfolio-dev-scrape plans; the spec asks for maxReceiveCount 5 (queues "scrape").',
        );
    });

    it("names a function left on an old runtime (a contract: nothing starts)", async () => {
        const old = broken(planned, 2, (r) => r.type === "aws:lambda/function:Function", (inputs) => ({ ...inputs, runtime: "nodejs18.x" }));
        const checks = await contractChecks({ ...old, cloud: "aws", spec: validateSpec(old.config["queuestack:spec"], "aws"), today: new Date("2026-12-04T00:00:00Z") });
        const runtimes = checks.find((c) => c.name === "runtimes supported 90+ more days")!;
        assert.equal(runtimes.status, "fail");
        assert.match(runtimes.detail, /portfolio-aws-scraper-function: runtime "nodejs18.x" ended 2025-09-01; it needs 90\./);
        assert.match(runtimes.detail, /portfolio-aws-front-end-function: runtime "nodejs18.x" ended 2025-09-01; it needs 90\./);
    });

    describe("pattern stacks", () => {
        it("fanout: each topic's publish reaches every subscribed queue (the priority subscriber on its default level) and the express level lands on its own queue", async () => {
            const report = await rehearse({ ...(await planStack("fanout", root)), replan: undefined }, { emulators });
            const patterns = report.checks.filter((c) => /^(fan-out|priority):/.test(c.name)).map((c) => [c.name, c.status, c.detail]);
            assert.deepEqual(patterns, [
                ['fan-out: topic "order-events" reaches every subscribed queue', "pass", "order-events -> emails, analytics, fulfilment (standard)"],
                ['fan-out: topic "refund-events" reaches every subscribed queue', "pass", "refund-events -> emails"],
                ['priority: queue "fulfilment" level "express"', "pass", "x-priority express -> fanout-fanout-fulfilment-express"],
            ]);
        });

        it("fanout with a subscription dropped: names the queue the publish did not reach", async () => {
            const fanout = await planStack("fanout", root);
            const dropped = { ...fanout, replan: undefined, resources: fanout.resources.filter((r) => r.name !== "fanout-aws-analytics-order-events-subscription") };
            assert.equal(dropped.resources.length, fanout.resources.length - 1);
            const report = await rehearse(dropped, { emulators });
            const fan = row(report, 'fan-out: topic "order-events" reaches every subscribed queue');
            assert.equal(fan.status, "fail");
            assert.equal(fan.detail, 'the message published to topic "order-events" reached emails, fulfilment (standard) but not analytics (the spec subscribes emails, analytics, fulfilment)');
        });

        it("priorities: the highest level of each queue lands on that level's planned queue only", async () => {
            const report = await rehearse({ ...(await planStack("priorities", root)), replan: undefined }, { emulators });
            assert.deepEqual(
                report.checks.filter((c) => c.name.startsWith("priority:")).map((c) => [c.name, c.status, c.detail]),
                [
                    ['priority: queue "scrape" level "high"', "pass", "x-priority high -> priorities-priorities-scrape-high"],
                    ['priority: queue "reindex" level "urgent"', "pass", "x-priority urgent -> priorities-priorities-reindex-urgent"],
                ],
            );
            assert.deepEqual(report.checks.filter((c) => c.status === "fail"), []);
        });
    });
});
