import { strict as assert } from "node:assert";
import { type Cloud, SpecError, WebQueueWorker } from "../components";
import { runOffline, valueOf } from "../components/testing/offline";
import { everyCloudSpec } from "./helpers/specs";

/** Clouds whose whole stack must honour the shared contract. */
const contractClouds: Exclude<Cloud, "local">[] = ["aws", "azure", "gcp"];

const spec = everyCloudSpec;

/** Provider settings a real stack file would carry (region, project, location). */
const providerConfig = { "aws:region": "eu-west-1", "gcp:project": "demo-project", "gcp:region": "europe-west1", "azure-native:location": "westeurope" };
const plan = (cloud: Exclude<Cloud, "local">, input: unknown = spec) =>
    runOffline(() => new WebQueueWorker("portfolio", { cloud, spec: input as typeof spec }), { stack: "dev", config: providerConfig });

for (const cloud of contractClouds) {
    describe(`contract: ${cloud}`, () => {
        it("exposes frontEndUrl, queues[name].{id, deadLetterId}, datastoreName and alarmTopic", async () => {
            const { result } = await plan(cloud);
            assert.match(await valueOf(result.frontEndUrl), /^https:\/\//);
            assert.deepEqual(Object.keys(result.queues).sort(), ["publish", "scrape"]);
            for (const queue of Object.values(result.queues)) {
                const [id, deadLetterId] = [await valueOf(queue.id), await valueOf(queue.deadLetterId)];
                assert.equal(typeof id, "string");
                assert.equal(typeof deadLetterId, "string");
                assert.notEqual(id, deadLetterId);
                assert.ok(id.length > 0 && deadLetterId.length > 0);
            }
            assert.ok((await valueOf(result.datastoreName)).length > 0);
            assert.ok((await valueOf(result.alarmTopic)).length > 0);
        });

        it(`nests every resource under the neutral component and the queuestack:${cloud} stack`, async () => {
            const { resources } = await plan(cloud);
            const roots = resources.filter((r) => r.parent === undefined);
            assert.deepEqual(roots.map((r) => [r.type, r.name]), [["queuestack:index:WebQueueWorker", "portfolio"]]);
            const stack = resources.filter((r) => r.parent === "portfolio");
            assert.deepEqual(stack.map((r) => [r.type, r.name]), [[`queuestack:${cloud}:WebQueueWorker`, `portfolio-${cloud}`]]);
            for (const component of resources.filter((r) => !r.custom)) {
                assert.match(component.type, new RegExp(`^queuestack:(index|${cloud}):[A-Z]`), `component type token ${component.type}`);
            }
            for (const resource of resources.filter((r) => r.custom)) {
                assert.ok(resource.parentType?.startsWith(`queuestack:${cloud}:`), `${resource.type} ${resource.name} is parented by a queuestack:${cloud} component (got ${resource.parentType})`);
            }
        });

        it("creates nothing when the spec is invalid for the cloud", async () => {
            let created: number | undefined;
            await assert.rejects(async () => {
                const run = await plan(cloud, { ...spec, queues: [{ name: "scrape", retentionDays: 400 }] });
                created = run.resources.length;
            }, SpecError);
            assert.equal(created, undefined);
        });
    });
}
