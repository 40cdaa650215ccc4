import { strict as assert } from "node:assert";
import { deployedRuntimes } from "../../components/runtimes";
import { environmentProblems } from "../../rehearse/contracts/environment";
import { collisions, nameProblems } from "../../rehearse/contracts/names";
import { rolloutProblems } from "../../rehearse/contracts/rollout";
import { runtimeProblems } from "../../rehearse/contracts/runtimes";
import type { PlannedResource } from "../../rehearse/plan";

const today = new Date("2026-12-04T00:00:00Z");
const planned = (type: string, name: string, inputs: Record<string, unknown>): PlannedResource => ({ type, name, custom: true, inputs });
/** A planned archive as the offline plan holds it: assets behind promises. */
const archive = (code: string) => ({ __pulumiArchive: true, assets: Promise.resolve({ "index.js": { __pulumiAsset: true, text: Promise.resolve(code) } }) });

describe("rehearse contracts", () => {
    describe("aws", () => {
        it("passes a function on the table's deployed Lambda runtime and names one on an old or unknown runtime", () => {
            const ok = planned("aws:lambda/function:Function", "ok-fn", { runtime: deployedRuntimes.awsLambda.id });
            const old = planned("aws:lambda/function:Function", "old-fn", { runtime: "nodejs20.x" });
            const unknown = planned("aws:lambda/function:Function", "odd-fn", { runtime: "nodejs99.x" });
            assert.deepEqual(runtimeProblems([ok, old, unknown], today), [
                'old-fn: runtime "nodejs20.x" ended 2026-04-30; it needs 90. Deploy a runtime from deployedRuntimes in components/runtimes.ts.',
                'odd-fn: runtime "nodejs99.x" is not in the dated table (components/runtimes.ts); deploy a runtime from deployedRuntimes.',
            ]);
        });

        it("reports the dated table's own verdict too (deployedRuntimeProblems) once a deployed runtime nears its end", () => {
            const problems = runtimeProblems([], new Date("2028-03-01T00:00:00Z"));
            assert.ok(problems.some((p) => p.startsWith(`deployedRuntimes.awsLambda: aws-lambda runtime "${deployedRuntimes.awsLambda.id}" ends`)), problems.join("\n"));
        });

        it("names a Lambda environment over 4 KB with its size and largest variables, and passes one under it", () => {
            const small = planned("aws:lambda/function:Function", "small", { environment: { variables: { A: "x".repeat(100) } } });
            const big = planned("aws:lambda/function:Function", "big", { environment: { variables: { ROUTES: "r".repeat(4000), TABLE: "t".repeat(90), B: "b" } } });
            assert.deepEqual(environmentProblems([small, big]), {
                largest: 4103,
                problems: ["big: environment is 4103 bytes, over Lambda's 4096 (largest: ROUTES 4006 B, TABLE 95 B, B 2 B). Move large values out of the environment."],
            });
            assert.deepEqual(environmentProblems([small]).problems, []);
        });

        it("names a queue name SQS refuses and an IAM role name shared by a second region", () => {
            const queue = planned("aws:sqs/queue:Queue", "q", { name: "portfolio.dev.scrape" });
            assert.deepEqual(nameProblems([queue]), [
                'Queue q: name "portfolio.dev.scrape" (20 chars) breaks the rule: 1-80 letters, digits, - or _ (FIFO: ending .fifo) (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html).',
            ]);
            const role = (name: string) => planned("aws:iam/role:Role", "r", { name });
            assert.deepEqual(collisions([role("portfolio-dev-scraper")], [role("portfolio-dev-scraper")], "region us-east-2"), [
                'Role name "portfolio-dev-scraper" is the same in region us-east-2; it is unique per account. Put the region in the name.',
            ]);
            assert.deepEqual(collisions([role("portfolio-dev-euw1-scraper")], [role("portfolio-dev-use2-scraper")], "region us-east-2"), []);
            // Regional names may repeat in another region.
            assert.deepEqual(collisions([planned("aws:sqs/queue:Queue", "q", { name: "a" })], [planned("aws:sqs/queue:Queue", "q", { name: "a" })], "region us-east-2"), []);
        });

        it("passes a worker function whose bundle changes with its code", async () => {
            const before = [planned("aws:lambda/function:Function", "portfolio-aws-scraper-function", { code: archive("v1"), runtime: "nodejs24.x" })];
            const after = [planned("aws:lambda/function:Function", "portfolio-aws-scraper-function", { code: archive("v2"), runtime: "nodejs24.x" })];
            assert.deepEqual(await rolloutProblems(before, after, ["scraper"]), { problems: [], checked: 1 });
        });
    });

    describe("gcp", () => {
        it("reads the runtime from buildConfig and names an old one", () => {
            const fn = (runtime: string) => planned("gcp:cloudfunctionsv2/function:Function", "scraper-fn", { buildConfig: { runtime } });
            assert.deepEqual(runtimeProblems([fn(deployedRuntimes.gcpFunctions.id)], today), []);
            assert.deepEqual(runtimeProblems([fn("nodejs20")], today), ['scraper-fn: runtime "nodejs20" ended 2026-04-30; it needs 90. Deploy a runtime from deployedRuntimes in components/runtimes.ts.']);
        });

        it("names a service account id over 30 characters, and one shared by a second stack in the project", () => {
            const account = (accountId: string) => planned("gcp:serviceaccount/account:Account", "sa", { accountId });
            assert.deepEqual(nameProblems([account("portfolio-gcp-dev-scraper-function")]), [
                'Account sa: accountId "portfolio-gcp-dev-scraper-function" (34 chars) breaks the rule: 6-30 lowercase letters, digits or -, starting with a letter (https://cloud.google.com/iam/docs/service-accounts-create).',
            ]);
            assert.deepEqual(collisions([account("portfolio-fn")], [account("portfolio-fn")], "stack dev-second"), [
                'Account name "portfolio-fn" is the same in stack dev-second; it is unique per project. Put the stack in the name.',
            ]);
        });
    });

    describe("azure", () => {
        it("reads the runtime from the Flex functionAppConfig and names an old one", () => {
            const site = (version: string) => planned("azure-native:web:WebApp", "scraper-site", { functionAppConfig: { runtime: { name: "node", version } } });
            assert.deepEqual(runtimeProblems([site(deployedRuntimes.azureFunctions.id)], today), []);
            assert.deepEqual(runtimeProblems([site("20")], today), ['scraper-site: runtime "20" ended 2026-04-30; it needs 90. Deploy a runtime from deployedRuntimes in components/runtimes.ts.']);
        });

        it("names a function app whose inputs do not change with the worker's code (the code never reaches it)", async () => {
            const site = planned("azure-native:web:WebApp", "portfolio-azure-scraper-functions-site", { name: "portfolio-scraper", siteConfig: { appSettings: [{ name: "A", value: "1" }] } });
            assert.deepEqual(await rolloutProblems([site], [{ ...site }], ["scraper"]), {
                checked: 1,
                problems: [
                    "WebApp portfolio-azure-scraper-functions-site: no input changes when the worker's code changes, so `pulumi up` would not roll the new code out. Derive an input from the code (a content hash in a setting, tag or object name).",
                ],
            });
            const hashed = { ...site, inputs: { ...site.inputs, siteConfig: { appSettings: [{ name: "A", value: "1" }, { name: "CODE_HASH", value: "abc" }] } } };
            assert.deepEqual(await rolloutProblems([site], [hashed], ["scraper"]), { checked: 1, problems: [] });
        });

        it("passes a Flex site whose own settings resource changes with the code, and names it when that resource does not change", async () => {
            const site = planned("azure-native:web:WebApp", "portfolio-azure-scraper-functions-site", { name: "portfolio-scraper" });
            const settings = (digest: string) => planned("azure-native:web:WebAppApplicationSettings", "portfolio-azure-scraper-functions-settings", { name: "portfolio-scraper", properties: { QUEUESTACK_PACKAGE_DIGEST: digest } });
            assert.deepEqual(await rolloutProblems([site, settings("a")], [site, settings("b")], ["scraper"]), { checked: 1, problems: [] });
            assert.equal((await rolloutProblems([site, settings("a")], [site, settings("a")], ["scraper"])).problems.length, 1);
        });

        it("names a storage account name with capitals", () => {
            assert.deepEqual(nameProblems([planned("azure-native:storage:StorageAccount", "st", { accountName: "PortfolioDev" })]), [
                'StorageAccount st: accountName "PortfolioDev" (12 chars) breaks the rule: 3-24 lowercase letters or digits (https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftstorage).',
            ]);
        });
    });
});
