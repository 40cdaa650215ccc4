import { strict as assert } from "node:assert";
import { AzureWebQueueWorker, cosmosDataReaderRole } from "../../components/azure";
import { SpecError, type SpecInput } from "../../components/spec";
import { runOffline, valueOf } from "../../components/testing/offline";
import { ofType, one } from "../helpers/resources";
import { everyCloudSpec } from "../helpers/specs";
import { fixedCode, mockedIdOf, runWithDependencies, secretPattern, settingsOf } from "./fixtures";

const spec = everyCloudSpec;
const config = { "azure-native:location": "westeurope" };
/** Plans the stack; specs that are invalid on purpose go through as they are. */
const plan = (input: unknown = spec) => runOffline(() => new AzureWebQueueWorker("portfolio", { spec: input as SpecInput, code: fixedCode }), { stack: "dev", config });

describe("AzureWebQueueWorker", () => {
    it("exposes the front-end URL, each queue's id and dead-letter path, the container and the action group", async () => {
        const { result, resources } = await plan();
        const idOf = await mockedIdOf();
        assert.match(await valueOf(result.frontEndUrl), /^https:\/\/portfolio-dev-front-end-[0-9a-f]{6}\.azurewebsites\.net\/api\/messages$/);
        assert.deepEqual(Object.keys(result.queues), ["scrape", "publish"]);
        assert.equal(await valueOf(result.queues.scrape.id), idOf(one(resources, "azure-native:servicebus:Queue", "portfolio-scrape-queue")));
        assert.equal(await valueOf(result.queues.publish.id), idOf(one(resources, "azure-native:servicebus:Queue", "portfolio-publish-queue")));
        assert.equal(await valueOf(result.queues.scrape.deadLetterId), "portfolio-dev-scrape/$deadletterqueue");
        assert.equal(await valueOf(result.queues.publish.deadLetterId), "portfolio-dev-publish/$deadletterqueue");
        assert.equal(await valueOf(result.datastoreName), "portfolio-dev-results");
        assert.equal(await valueOf(result.alarmTopic), idOf(one(resources, "azure-native:monitor:ActionGroup")));
        assert.equal(await valueOf(result.resourceGroupName), "portfolio-dev");
    });

    it("creates each role once, under its component, under the stack", async () => {
        const { resources } = await plan();
        const components = resources.filter((r) => !r.custom).map((r) => [r.type, r.name, r.parent ?? null]);
        assert.deepEqual(components, [
            ["queuestack:azure:WebQueueWorker", "portfolio", null],
            ["queuestack:azure:ResourceGroup", "portfolio-group", "portfolio"],
            ["queuestack:azure:ServiceBusNamespace", "portfolio-bus", "portfolio"],
            ["queuestack:azure:Datastore", "portfolio-datastore", "portfolio"],
            ["queuestack:azure:Queue", "portfolio-scrape", "portfolio"],
            ["queuestack:azure:Queue", "portfolio-publish", "portfolio"],
            ["queuestack:azure:WorkerNetwork", "portfolio-network", "portfolio"],
            ["queuestack:azure:FunctionWorker", "portfolio-scraper", "portfolio"],
            ["queuestack:azure:VmWorker", "portfolio-publisher", "portfolio"],
            ["queuestack:azure:FrontEnd", "portfolio-front-end", "portfolio"],
            ["queuestack:azure:Alarms", "portfolio-alarms", "portfolio"],
            ["queuestack:azure:Dashboard", "portfolio-dashboard", "portfolio"],
            ["queuestack:azure:FunctionApp", "portfolio-scraper-functions", "portfolio-scraper"],
            ["queuestack:azure:ApiKeyVault", "portfolio-front-end-api-key", "portfolio-front-end"],
            ["queuestack:azure:FunctionApp", "portfolio-front-end-functions", "portfolio-front-end"],
        ]);
        for (const resource of resources.filter((r) => r.custom)) {
            assert.ok(resource.parentType?.startsWith("queuestack:azure:") && resource.parentType !== "queuestack:azure:WebQueueWorker", `${resource.type} ${resource.name} sits in a role component (got ${resource.parentType})`);
        }
        const counts = (type: string) => ofType(resources, type).length;
        assert.deepEqual(
            [counts("azure-native:servicebus:Namespace"), counts("azure-native:servicebus:Queue"), counts("azure-native:web:WebApp"), counts("azure-native:compute:VirtualMachineScaleSet"), counts("azure-native:monitor:MetricAlert"), counts("azure-native:monitor:ScheduledQueryRule"), counts("azure-native:cosmosdb:DatabaseAccount"), counts("azure-native:authorization:RoleAssignment"), counts("azure-native:cosmosdb:SqlResourceSqlRoleAssignment")],
            [1, 2, 2, 1, 5, 0, 1, 10, 6],
        );
    });

    it("creates the Cosmos DB data-plane role assignments of the front end and every worker one after another", async () => {
        const { resources, dependsOn } = await runWithDependencies(() => new AzureWebQueueWorker("portfolio", { spec: spec as SpecInput, code: fixedCode }));
        const assignments = ofType(resources, "azure-native:cosmosdb:SqlResourceSqlRoleAssignment").map((r) => r.name);
        // Each identity's account-scoped metadata grant comes just before its container grant.
        assert.deepEqual(assignments, [
            "portfolio-scraper-results-metadata", "portfolio-scraper-results",
            "portfolio-publisher-results-metadata", "portfolio-publisher-results",
            "portfolio-front-end-read-jobs-metadata", "portfolio-front-end-read-jobs",
        ]);
        // Each waits for the one before it (a chain across components), and the first for none.
        const earlier = (name: string) => (dependsOn.get(name) ?? []).filter((d) => assignments.includes(d));
        assert.deepEqual(assignments.map(earlier), [[], ...assignments.slice(0, -1).map((a) => [a])]);
    });

    it("lets the front end read job records from the workers' container only", async () => {
        const { resources } = await plan();
        const allGrants = ofType(resources, "azure-native:cosmosdb:SqlResourceSqlRoleAssignment");
        // Metadata only, at account scope, through the one custom role that holds nothing but readMetadata.
        const metadata = allGrants.filter((g) => g.name.endsWith("-metadata"));
        const role = one(resources, "azure-native:cosmosdb:SqlResourceSqlRoleDefinition");
        assert.deepEqual([role.inputs.type, role.inputs.roleName, role.inputs.permissions], ["CustomRole", "queuestack metadata reader", [{ dataActions: ["Microsoft.DocumentDB/databaseAccounts/readMetadata"] }]]);
        assert.equal(metadata.length, 3);
        const idOf = await mockedIdOf();
        const accountId = idOf(one(resources, "azure-native:cosmosdb:DatabaseAccount"));
        assert.deepEqual(role.inputs.assignableScopes, [accountId]);
        assert.deepEqual(metadata.map((g) => [g.inputs.roleDefinitionId, g.inputs.scope]), Array(3).fill([idOf(role), accountId]));
        const cosmosGrants = allGrants.filter((g) => !g.name.endsWith("-metadata"));
        const frontEnd = cosmosGrants.filter((g) => g.parentType === "queuestack:azure:FrontEnd");
        assert.deepEqual(frontEnd.map((g) => g.name), ["portfolio-front-end-read-jobs"]);
        assert.match(String(frontEnd[0].inputs.roleDefinitionId), new RegExp(`/sqlRoleDefinitions/${cosmosDataReaderRole}$`));
        const workerScopes = cosmosGrants.filter((g) => g.parentType !== "queuestack:azure:FrontEnd").map((g) => g.inputs.scope);
        assert.equal(workerScopes.length, 2);
        for (const scope of workerScopes) assert.equal(frontEnd[0].inputs.scope, scope);
        assert.match(String(frontEnd[0].inputs.scope), /\/dbs\/[^/]+\/colls\/[^/]+$/);
        const settings = settingsOf(resources, ofType(resources, "azure-native:web:WebApp").find((w) => w.parentType === "queuestack:azure:FunctionApp" && w.name.startsWith("portfolio-front-end"))!);
        assert.deepEqual(Object.keys(settings).filter((k) => k.startsWith("QUEUESTACK_COSMOS_")).sort(), ["QUEUESTACK_COSMOS_CONTAINER", "QUEUESTACK_COSMOS_DATABASE", "QUEUESTACK_COSMOS_ENDPOINT"]);
    });

    it("derives each queue's lock from its consumers, within Service Bus's cap", async () => {
        const { resources } = await plan();
        const locks = ofType(resources, "azure-native:servicebus:Queue").map((q) => [q.inputs.queueName, q.inputs.lockDuration, q.inputs.requiresSession]);
        assert.deepEqual(locks, [["portfolio-dev-scrape", "PT3M", false], ["portfolio-dev-publish", "PT3M", true]]);
    });

    it("keeps every plain app setting free of keys and passwords, and gives no instance a public IP", async () => {
        const { resources } = await plan();
        for (const app of ofType(resources, "azure-native:web:WebApp")) {
            for (const [name, value] of Object.entries(settingsOf(resources, app))) assert.doesNotMatch(value, secretPattern, `${app.name} ${name}`);
        }
        assert.equal(JSON.stringify(one(resources, "azure-native:compute:VirtualMachineScaleSet").inputs).includes("publicIPAddressConfiguration"), false);
        assert.deepEqual(ofType(resources, "azure-native:network:PublicIPAddress").map((r) => r.name), ["portfolio-network-egress-ip"]);
    });

    it("deploys into an existing resource group when the spec names one", async () => {
        const { result, resources } = await runOffline(
            () => new AzureWebQueueWorker("portfolio", { spec: { ...spec, azure: { resourceGroupName: "rg-shared" } }, code: fixedCode }),
            {
                stack: "dev",
                config,
                calls: { "azure-native:resources:getResourceGroup": (args) => ({ name: args.inputs.resourceGroupName, id: `/subscriptions/0/resourceGroups/${args.inputs.resourceGroupName}`, location: "northeurope" }) },
            },
        );
        assert.equal(ofType(resources, "azure-native:resources:ResourceGroup").length, 0);
        assert.equal(await valueOf(result.resourceGroupName), "rg-shared");
        assert.equal(one(resources, "azure-native:servicebus:Namespace").inputs.resourceGroupName, "rg-shared");
        assert.equal(one(resources, "azure-native:servicebus:Namespace").inputs.location, "northeurope");
    });

    it("skips the network when the spec gives a subnet, and creates no VM resources without VM workers", async () => {
        const subnet = "/subscriptions/0/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/v/subnets/s";
        const withSubnet = await plan({ ...spec, network: { subnetIds: [subnet] } });
        assert.equal(ofType(withSubnet.resources, "azure-native:network:VirtualNetwork").length, 0);
        const nics = (one(withSubnet.resources, "azure-native:compute:VirtualMachineScaleSet").inputs.virtualMachineProfile as { networkProfile: { networkInterfaceConfigurations: { ipConfigurations: { subnet: unknown }[] }[] } }).networkProfile.networkInterfaceConfigurations;
        assert.deepEqual(nics[0].ipConfigurations[0].subnet, { id: subnet });
        const functionsOnly = await plan({ ...spec, workers: [spec.workers[0]] });
        assert.equal(ofType(functionsOnly.resources, "azure-native:network:VirtualNetwork").length, 0);
        assert.equal(ofType(functionsOnly.resources, "azure-native:compute:VirtualMachineScaleSet").length, 0);
    });

    it("rejects a spec invalid on azure before creating anything", async () => {
        let created: number | undefined;
        await assert.rejects(async () => {
            created = (await plan({ ...spec, azure: { serviceBusTier: "basic" } })).resources.length;
        }, (error: SpecError) => error instanceof SpecError && /azure\.serviceBusTier: must be standard or premium: queue "publish" needs sessions/.test(error.message));
        assert.equal(created, undefined);
    });
});
