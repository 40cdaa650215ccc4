import { strict as assert } from "node:assert";
import * as path from "node:path";
import { EmulatorPool, rehearse, type Check, type PlannedStack } from "../../rehearse";
import { installed } from "../../rehearse/emulators/process";
import { pathNames } from "../../rehearse/paths/walk";
import { planStack } from "../../rehearse/plan-stack";
import { broken, row } from "./helpers";

const root = path.resolve(__dirname, "..", "..");
const vm = ' (VM worker "publisher")';

describe("rehearse: GCP on the Pub/Sub and Firestore emulators", function () {
    this.timeout(180_000);
    let planned: PlannedStack;
    const emulators = new EmulatorPool();

    before(async function () {
        if (!installed("gcloud")) {
            console.warn("    gcloud is not on PATH: skipping (install the Google Cloud CLI with its pubsub and firestore emulators).");
            this.skip();
        }
        planned = await planStack("gcp-dev", root);
    });
    after(() => emulators.stop());

    it("walks the function worker's paths and the VM worker's intake of gcp-dev, and lists every row", async () => {
        const report = await rehearse({ ...planned, replan: undefined }, { emulators });
        assert.deepEqual(
            report.checks.map((c) => [c.kind, c.name, c.status]),
            [
                ["contract", "runtimes supported 90+ more days", "pass"],
                ["contract", "physical names fit their cloud's rules", "pass"],
                ["path", "stand up the planned resources on the Pub/Sub and Firestore emulators", "pass"],
                ["path", pathNames.accept, "pass"],
                ["path", pathNames.unauthenticated, "pass"],
                ["path", pathNames.poison, "pass"],
                ["path", pathNames.redrive, "pass"],
                ["path", pathNames.accept + vm, "pass"],
                ["path", pathNames.unauthenticated + vm, "pass"],
                ["not rehearsed", `${pathNames.poison}; ${pathNames.redrive}${vm}`, "skip"],
                ["not rehearsed", "emulator differs from the plan", "skip"],
                ["not rehearsed", "emulator differs from the plan", "skip"],
                ["not rehearsed", "emulator differs from the plan", "skip"],
                ["not rehearsed", "emulator differs from the plan", "skip"],
                ["not rehearsed", "IAM on GCP", "skip"],
                ["not rehearsed", "push authentication", "skip"],
                ["not rehearsed", "Secret Manager", "skip"],
                ["not rehearsed", "resources the emulators do not stand up", "skip"],
            ],
            report.checks.filter((c) => c.status === "fail").map((c) => `${c.name}: ${c.detail}`).join("\n"),
        );
        assert.equal(row(report, "stand up the planned resources on the Pub/Sub and Firestore emulators").detail, "5 Topic, 4 Subscription, 1 Database");
        assert.match(row(report, pathNames.accept).detail, /^202 -> 1 delivery -> \/jobs\/[0-9a-f-]{36} done$/);
        assert.match(row(report, pathNames.accept + vm).detail, /^202 -> the VM worker -> \/jobs\/[0-9a-f-]{36} done$/);
        assert.match(row(report, pathNames.poison).detail, /^5 deliveries \(planned 5\) -> portfolio-gcp-dev-scrape-dlq, reason ".*is not a URL"$/);
        assert.match(row(report, pathNames.redrive).detail, /^1 moved portfolio-gcp-dev-scrape-dlq -> portfolio-gcp-dev-scrape, delivered again 5x$/);
        const differs = report.checks.filter((c) => c.name === "emulator differs from the plan").map((c: Check) => c.detail);
        assert.ok(differs.some((d) => d.startsWith("retention over 7 days (portfolio-gcp-dev-scrape-dlq: 1209600s) stood up as 604800s")), differs.join("\n"));
        assert.ok(differs.some((d) => d.startsWith("retry backoff (10s-600s) left out")), differs.join("\n"));
    });

    it("names a shrunk dead-letter path: the plan dead-letters after 7 deliveries where the spec asks for 5", async () => {
        const shrunk = broken(planned, 1, (r) => r.type === "gcp:pubsub/subscription:Subscription" && r.name === "portfolio-gcp-scrape-subscription", (inputs) => ({
            ...inputs,
            deadLetterPolicy: { ...(inputs.deadLetterPolicy as object), maxDeliveryAttempts: 7 },
        }));
        const report = await rehearse(shrunk, { emulators });
        const poison = row(report, pathNames.poison);
        assert.equal(poison.status, "fail");
        assert.equal(poison.detail, 'the poison message reached portfolio-gcp-dev-scrape-dlq after 7 deliveries, as portfolio-gcp-dev-scrape plans; the spec asks for maxReceiveCount 5 (queues "scrape").');
        assert.equal(row(report, pathNames.accept).status, "pass");
    });

    it("names a dead-letter policy Pub/Sub refuses, in the emulator's words (maxDeliveryAttempts 2, under Pub/Sub's 5)", async () => {
        const refused = broken(planned, 1, (r) => r.name === "portfolio-gcp-scrape-subscription", (inputs) => ({ ...inputs, deadLetterPolicy: { ...(inputs.deadLetterPolicy as object), maxDeliveryAttempts: 2 } }));
        const report = await rehearse(refused, { emulators });
        const standUp = row(report, "stand up the planned resources on the Pub/Sub and Firestore emulators");
        assert.equal(standUp.status, "fail");
        assert.match(standUp.detail, /^PUT projects\/demo-project\/subscriptions\/portfolio-gcp-dev-scrape: /);
        assert.equal(report.checks.filter((c) => c.kind === "path").length, 1, "no path is walked on a stand-up that failed");
    });

    it("names a renamed environment variable: the push worker refuses every delivery and says which variable it misses", async () => {
        const isWorker = (r: { type: string; name: string }) => r.type === "gcp:cloudfunctionsv2/function:Function" && r.name === "portfolio-gcp-scraper-function";
        const renamed = broken(planned, 1, isWorker, (inputs) => {
            const serviceConfig = inputs.serviceConfig as { environmentVariables: Record<string, string> };
            const { QUEUESTACK_FIRESTORE_DATABASE, ...rest } = serviceConfig.environmentVariables;
            return { ...inputs, serviceConfig: { ...serviceConfig, environmentVariables: { ...rest, QUEUESTACK_FIRESTORE_DB: QUEUESTACK_FIRESTORE_DATABASE! } } };
        });
        const report = await rehearse(renamed, { emulators });
        const accept = row(report, pathNames.accept);
        assert.equal(accept.status, "fail");
        assert.match(accept.detail, /portfolio-gcp-dev-scraper answered 500: .*misconfigured/);
        assert.match(accept.detail, /\(its log: the worker is misconfigured: \S+ QUEUESTACK_FIRESTORE_DATABASE is not set/);
    });
});
