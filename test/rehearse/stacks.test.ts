import { strict as assert } from "node:assert";
import { existsSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { validateSpec, type Cloud } from "../../components/spec";
import { EmulatorPool, rehearse, type Check, type Report } from "../../rehearse";
import { contractChecks } from "../../rehearse/contracts";
import { installed } from "../../rehearse/emulators/process";
import { pathNames } from "../../rehearse/paths/walk";
import { planStack } from "../../rehearse/plan-stack";
import { row } from "./helpers";

const root = path.resolve(__dirname, "..", "..");

/** Every Pulumi.<stack>.yaml of the repository. */
const stackFiles = readdirSync(root).flatMap((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1] ?? []).sort();

/**
 * Stacks whose emulator paths another test file walks already (without the re-plan contracts, to
 * keep each file fast): here only their contracts are checked, re-planning included.
 */
const walkedElsewhere: Record<string, string> = {
    fanout: "aws.test.ts",
    priorities: "aws.test.ts",
    "gcp-dev": "gcp.test.ts",
    "large-messages": "azure.test.ts",
    "azure-dev": "azure.test.ts",
};

/** Stacks rehearsed whole here, as `queuestack rehearse --stack <name>` runs them. */
const rehearsedHere = ["prod", "delays", "request-response", "ordered"];

/** Stacks another file rehearses whole, contracts included: `queuestack rehearse --stack dev` in cli.test.ts. */
const rehearsedWholeElsewhere = ["dev"];

/** Whether this machine runs the emulators of `cloud`. */
const emulatorsOf: Record<string, () => boolean> = {
    aws: () => installed("moto_server"),
    gcp: () => installed("gcloud"),
    azure: () => existsSync(path.join(root, "node_modules", ".bin", "azurite-blob")),
};

const failures = (checks: Check[]) => checks.filter((c) => c.status === "fail").map((c) => `${c.name}: ${c.detail}`);
const counts = (report: Report) => ({ pass: report.checks.filter((c) => c.status === "pass").length, skip: report.checks.filter((c) => c.status === "skip").length });

describe("rehearse: every stack file passes", function () {
    this.timeout(300_000);
    const emulators = new EmulatorPool();
    after(() => emulators.stop());

    it("covers each Pulumi.<stack>.yaml once: rehearsed whole here or in cli.test.ts, or walked by another file and its contracts checked here", () => {
        assert.deepEqual([...rehearsedHere, ...rehearsedWholeElsewhere, ...Object.keys(walkedElsewhere)].sort(), stackFiles);
    });

    const contracts = [
        "runtimes supported 90+ more days",
        "physical names fit their cloud's rules",
        "global names differ in a second region",
        "global names differ in a second stack",
        "a worker code change rolls out",
    ];

    for (const stack of Object.keys(walkedElsewhere)) {
        it(`${stack}: every contract passes, re-planned in a second region, as a second stack and with changed worker code`, async () => {
            const planned = await planStack(stack, root);
            const cloud = String(planned.config["queuestack:cloud"]) as Cloud;
            const checks = await contractChecks({ ...planned, cloud, spec: validateSpec(planned.config["queuestack:spec"], cloud), today: new Date() });
            assert.deepEqual(failures(checks), []);
            assert.deepEqual(checks.filter((c) => c.name !== "function environments fit 4 KB").map((c) => c.name), contracts);
        });
    }

    /** The whole rehearsal of `stack` (skipped without its cloud's emulators): no failed row, the counts given. */
    const rehearsed = async (context: Mocha.Context, stack: string, expected: { pass: number; skip: number }): Promise<Report> => {
        const planned = await planStack(stack, root);
        const cloud = String(planned.config["queuestack:cloud"]);
        if (!emulatorsOf[cloud]!()) context.skip();
        const report = await rehearse(planned, { emulators });
        assert.deepEqual(failures(report.checks), []);
        assert.deepEqual(counts(report), expected, report.checks.map((c) => `${c.status} ${c.name}`).join("\n"));
        return report;
    };

    it("prod (aws): every contract and path passes", async function () {
        const report = await rehearsed(this, "prod", { pass: 12, skip: 9 });
        assert.equal(row(report, "global names differ in a second region").status, "pass");
    });

    it("request-response (gcp): Prefer: wait answers 200 with the finished job", async function () {
        const report = await rehearsed(this, "request-response", { pass: 11, skip: 7 });
        assert.match(row(report, pathNames.reply).detail, /^Prefer: wait=20 -> 1 delivery -> 200 job [0-9a-f-]{36} done, correlation id echoed$/);
    });

    it("delays (gcp): every path passes and each delayed queue says Cloud Tasks is not rehearsed", async function () {
        const report = await rehearsed(this, "delays", { pass: 12, skip: 11 });
        const delayRows = report.checks.filter((c) => c.name.startsWith(pathNames.delay));
        assert.deepEqual(
            delayRows.map((c) => [c.kind, c.name, c.detail]),
            [
                ["not rehearsed", `${pathNames.delay} (queue "reminders", up to 2592000 s)`, "Google Cloud delays are Cloud Tasks tasks that publish when due, and Cloud Tasks has no emulator here: the delayed intake was not walked"],
                ["not rehearsed", `${pathNames.delay} (queue "retries", up to 3600 s) (VM worker "retrier")`, "Google Cloud delays are Cloud Tasks tasks that publish when due, and Cloud Tasks has no emulator here: the delayed intake was not walked"],
            ],
        );
    });

    it("ordered (azure): the contracts and blob containers pass, and it says what is not rehearsed", async function () {
        const report = await rehearsed(this, "ordered", { pass: 6, skip: 4 });
        assert.deepEqual(report.checks.filter((c) => c.kind === "not rehearsed").map((c) => c.name), ["Service Bus", "Cosmos DB", "Functions host", "resources Azurite does not stand up"]);
    });
});
