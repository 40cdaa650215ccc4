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
        const paths = report.checks.filter((c) => c.kind === "path");
        assert.deepEqual(paths.map((c) => [c.name, c.status, c.status === "fail" ? c.detail : ""]), pathNames.map((name) => [name, "pass", ""]));
        assert.match(row(report, "poison -> dead-letter queue after the planned attempts").detail, /^5 deliveries \(planned 5\) -> portfolio-dev-scrape-dlq, reason ".*is not a URL"$/);
        assert.match(row(report, "redrive back to the queue").detail, /^1 moved portfolio-dev-scrape-dlq -> portfolio-dev-scrape, delivered again 5x$/);
        assert.equal(row(report, "function environments fit 4 KB").status, "pass");
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
});
