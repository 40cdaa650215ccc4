import { strict as assert } from "node:assert";
import { AwsWebQueueWorker } from "../../components/aws/stack";
import type { SpecInput } from "../../components/spec";
import { type PlannedResource, runOffline, valueOf } from "../../components/testing/offline";
import { WebQueueWorker } from "../../components/web-queue-worker";
import { ofType, one } from "../helpers/resources";

/** A stack with every kind of role: front end with an API key, function and VM workers, long delays. */
const spec = {
    name: "shop",
    queues: [{ name: "jobs", maxDelaySeconds: 7200 }],
    workers: [
        { name: "runner", queue: "jobs", kind: "function" },
        { name: "crawler", queue: "jobs", kind: "vm" },
    ],
} satisfies SpecInput;

/** The stack planned in `region` (the provider's region answers getRegion). */
const planIn = (region: string) =>
    runOffline(() => new AwsWebQueueWorker("shop", { spec }), {
        stack: "dev",
        calls: { "aws:index/getRegion:getRegion": () => ({ name: region, region, id: region }) },
    });

/** Resource types whose names are unique per account, not per region. */
const accountGlobal = ["aws:iam/role:Role", "aws:iam/instanceProfile:InstanceProfile", "aws:iam/policy:Policy", "aws:iam/user:User", "aws:cloudwatch/dashboard:Dashboard", "aws:s3/bucket:Bucket"];

/** The physical name a resource asks for (undefined: left to the provider's unique auto-naming). */
const askedName = (r: PlannedResource) => (r.inputs.name ?? r.inputs.dashboardName ?? r.inputs.bucket) as string | undefined;

describe("aws account-global names", () => {
    it("puts the region in every IAM role and dashboard name, and lets the provider name profiles and buckets", async () => {
        const { resources } = await planIn("eu-west-1");
        assert.deepEqual(ofType(resources, "aws:iam/role:Role").map((r) => r.inputs.name).sort(), [
            "shop-dev-eu-west-1-crawler-vm",
            "shop-dev-eu-west-1-delays",
            "shop-dev-eu-west-1-front-end",
            "shop-dev-eu-west-1-runner",
        ]);
        assert.equal(one(resources, "aws:cloudwatch/dashboard:Dashboard").inputs.dashboardName, "shop-dev-eu-west-1-overview");
        for (const type of ["aws:iam/instanceProfile:InstanceProfile", "aws:s3/bucket:Bucket"]) {
            const found = ofType(resources, type);
            assert.ok(found.length > 0, type);
            for (const r of found) assert.equal(askedName(r), undefined, `${type} ${r.name} must be auto-named`);
        }
        assert.deepEqual(ofType(resources, "aws:iam/policy:Policy"), [], "no managed policies (their names are global too)");
    });

    it("plans the same stack in a second region of the account without one account-global name in common", async () => {
        const names = async (region: string) =>
            (await planIn(region)).resources.filter((r) => accountGlobal.includes(r.type)).map(askedName).filter((n): n is string => n !== undefined);
        const first = await names("eu-west-1");
        const second = await names("us-east-1");
        assert.equal(first.length, 5);
        assert.deepEqual(first.filter((n) => second.includes(n)), []);
    });

    it("gives the API key secret a generated suffix and reports its ARN as the stack output apiKeySecret", async () => {
        const { resources, result } = await runOffline(() => new WebQueueWorker("shop", { cloud: "aws", spec }), { stack: "dev" });
        const secret = one(resources, "aws:secretsmanager/secret:Secret");
        assert.deepEqual([secret.inputs.name, secret.inputs.namePrefix], [undefined, "shop-dev-api-key-"]);
        assert.equal(await valueOf(result.apiKeySecret!), "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop-dev-api-key-20261204000000000000000001-AbCdEf");
    });
});
