import { strict as assert } from "node:assert";
import { builtInRoles, cosmosDataContributorRole } from "../../components/azure/roles";
import { flexInstanceMemoryMb } from "../../components/azure/function-app";
import { FunctionWorker } from "../../components/azure/workers-function";
import { archiveDigest } from "../../components/azure/code";
import { runOffline, valueOf } from "../../components/testing/offline";
import { deployedRuntimes } from "../../components/runtimes";
import { ofType, one } from "../helpers/resources";
import { appInsights, datastoreRef, fixedCode, global, mockedIdOf, queueId, queueRef, roleId, runWithDependencies, secretPattern, settingsOf, where } from "./fixtures";

const program = (sessions = false) =>
    new FunctionWorker("resize", {
        ...where,
        ...global,
        appInsights,
        worker: { name: "resize", queue: "jobs", concurrency: 40, memoryMb: 1024, idempotency: { key: "body.url", ttlHours: 6 }, environment: { LOG_LEVEL: "debug" } },
        queue: { ...queueRef, sessions },
        datastore: datastoreRef,
        timeoutSeconds: 45,
        resultTtlDays: 7,
        code: fixedCode.functionWorker("workers/example"),
    });
const plan = (sessions = false) => runOffline(() => program(sessions));

describe("azure FunctionWorker", () => {
    it("runs a Linux Flex Consumption Function App with a system-assigned identity", async () => {
        const { resources } = await plan();
        const site = one(resources, "azure-native:web:WebApp");
        assert.equal(site.parentType, "queuestack:azure:FunctionApp");
        assert.equal(site.parent, "resize-functions");
        assert.equal(site.inputs.kind, "functionapp,linux");
        assert.equal(site.inputs.httpsOnly, true);
        assert.deepEqual(site.inputs.identity, { type: "SystemAssigned" });
        const config = site.inputs.functionAppConfig as { runtime: unknown; scaleAndConcurrency: unknown; deployment: { storage: { authentication: unknown; value: string } } };
        assert.deepEqual(config.runtime, { name: "node", version: deployedRuntimes.azureFunctions.id });
        assert.equal(deployedRuntimes.azureFunctions.id, "22");
        assert.deepEqual(config.scaleAndConcurrency, { instanceMemoryMB: 2048, maximumInstanceCount: 3 });
        assert.deepEqual(config.deployment.storage.authentication, { type: "SystemAssignedIdentity" });
        assert.match(config.deployment.storage.value, /^https:\/\/shopdevwor[0-9a-f]{14}\.blob\.core\.windows\.net\/deployments$/);
        assert.deepEqual(one(resources, "azure-native:web:AppServicePlan").inputs.sku, { name: "FC1", tier: "FlexConsumption" });
        assert.equal(one(resources, "azure-native:storage:Blob").inputs.blobName, "released-package.zip");
        assert.equal(one(resources, "azure-native:storage:BlobContainer").inputs.publicAccess, "None");
    });

    it("configures the Service Bus trigger: worker settles messages, locks renewed for the attempt and its hold, 16 calls per instance", async () => {
        const planned = (await plan()).resources;
        const settings = settingsOf(planned, one(planned, "azure-native:web:WebApp"));
        assert.deepEqual(settings, {
            LOG_LEVEL: "debug",
            QUEUESTACK_SERVICEBUS_NAMESPACE: "shop-dev-bus.servicebus.windows.net",
            QUEUESTACK_QUEUE_NAME: "shop-dev-jobs",
            QUEUESTACK_QUEUE_SESSIONS: "false",
            QUEUESTACK_COSMOS_ENDPOINT: "https://shop-dev-db.documents.azure.com:443/",
            QUEUESTACK_COSMOS_DATABASE: "shop-dev-db",
            QUEUESTACK_COSMOS_CONTAINER: "shop-dev-results",
            QUEUESTACK_IDEMPOTENCY_STORE: "shop-dev-results",
            QUEUESTACK_IDEMPOTENCY_ENABLED: "true",
            QUEUESTACK_IDEMPOTENCY_KEY: "body.url",
            QUEUESTACK_IDEMPOTENCY_TTL_HOURS: "6",
            QUEUESTACK_RESULT_TTL_DAYS: "7",
            QUEUESTACK_VISIBILITY_TIMEOUT_SECONDS: "180",
            QUEUESTACK_WORKER_TIMEOUT_SECONDS: "45",
            QUEUESTACK_CONCURRENCY: "40",
            AzureFunctionsJobHost__extensions__serviceBus__autoCompleteMessages: "true",
            AzureFunctionsJobHost__extensions__serviceBus__maxConcurrentCalls: "16",
            // Room for another delivery's lease (45 + 5 s), a 45 s attempt and a hold: 2 x 45 + 15 s.
            AzureFunctionsJobHost__extensions__serviceBus__maxAutoLockRenewalDuration: "00:01:45",
            AzureFunctionsJobHost__extensions__serviceBus__prefetchCount: "0",
            AzureFunctionsJobHost__functionTimeout: "00:01:45",
            QUEUESTACK_INVOCATION_SECONDS: "105",
            ServiceBusConnection__fullyQualifiedNamespace: "shop-dev-bus.servicebus.windows.net",
            AzureWebJobsStorage__accountName: settings.AzureWebJobsStorage__accountName,
            AzureWebJobsStorage__credential: "managedidentity",
            APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.connectionString,
            APPLICATIONINSIGHTS_AUTHENTICATION_STRING: "Authorization=AAD",
            QUEUESTACK_PACKAGE_SHA256: await archiveDigest(await valueOf(fixedCode.functionWorker("workers/example"))),
        });
        assert.match(settings.AzureWebJobsStorage__accountName, /^shopdevwor[0-9a-f]{14}$/);
    });

    it("sends Flex no siteConfig, so none of the properties Flex refuses (netFrameworkVersion, ftpsState...) reaches ARM", async () => {
        const { resources } = await plan();
        const site = one(resources, "azure-native:web:WebApp");
        // Any siteConfig gets netFrameworkVersion "v4.6" and http20Enabled from the SDK's defaults.
        assert.equal("siteConfig" in site.inputs, false);
        const planned = JSON.stringify(site.inputs);
        for (const refused of ["netFrameworkVersion", "ftpsState", "http20Enabled", "linuxFxVersion", "alwaysOn", "appSettings"]) assert.equal(planned.includes(refused), false, refused);
        assert.deepEqual(Object.keys(site.inputs).sort(), [
            "clientAffinityEnabled", "functionAppConfig", "httpsOnly", "hyperV", "identity", "isXenon", "kind", "location", "name", "resourceGroupName", "scmSiteAlsoStopped", "serverFarmId", "tags",
        ]);
        // Site-level SDK defaults (not SiteConfig properties), all false.
        assert.deepEqual([site.inputs.clientAffinityEnabled, site.inputs.hyperV, site.inputs.isXenon, site.inputs.scmSiteAlsoStopped], [false, false, false, false]);
        assert.deepEqual(site.inputs.tags, { "queuestack:role": "worker-resize", QUEUESTACK_IDEMPOTENCY_STORE: "shop-dev-results" });
    });

    it("applies its settings (and so starts its trigger) only after its package and every grant exist", async () => {
        const { dependsOn } = await runWithDependencies(() => program());
        // The site and the storage account are inputs (app name, account name); the rest is ordering.
        assert.deepEqual(dependsOn.get("resize-functions-settings")!.sort(), [
            "resize-functions-package", "resize-functions-site", "resize-functions-storage", "resize-functions-storage-access", "resize-functions-telemetry", "resize-receive", "resize-results",
        ]);
        assert.equal(dependsOn.get("resize-functions-package")!.includes("resize-functions-site"), false);
    });

    it("limits concurrent sessions instead of calls on session queues", async () => {
        const planned = (await plan(true)).resources;
        const settings = settingsOf(planned, one(planned, "azure-native:web:WebApp"));
        assert.equal(settings.AzureFunctionsJobHost__extensions__serviceBus__maxConcurrentSessions, "16");
        assert.equal(settings.AzureFunctionsJobHost__extensions__serviceBus__maxConcurrentCalls, undefined);
        assert.equal(settings.QUEUESTACK_QUEUE_SESSIONS, "true");
    });

    it("keeps keys, passwords and connection strings with secrets out of its settings", async () => {
        const planned = (await plan()).resources;
        const settings = settingsOf(planned, one(planned, "azure-native:web:WebApp"));
        for (const [name, value] of Object.entries(settings)) {
            assert.doesNotMatch(value, secretPattern, `${name} holds a secret`);
            assert.doesNotMatch(name, /^AzureWebJobsStorage$|ServiceBusConnection$|__connectionString$/i, `${name} is a connection string setting`);
        }
    });

    it("may receive from and manage its one queue (trigger scaling), write its one container, and use its own storage and telemetry", async () => {
        const { resources } = await plan();
        const grants = ofType(resources, "azure-native:authorization:RoleAssignment").map((r) => [r.name, r.inputs.roleDefinitionId, r.inputs.scope, r.inputs.principalId, r.inputs.principalType]);
        const storageId = (await mockedIdOf())(one(resources, "azure-native:storage:StorageAccount"));
        const principal = "principal-resize-functions-site";
        assert.deepEqual(grants.sort(), [
            ["resize-functions-storage-access", roleId(builtInRoles.storageBlobDataOwner), storageId, principal, "ServicePrincipal"],
            ["resize-functions-telemetry", roleId(builtInRoles.monitoringMetricsPublisher), appInsights.id, principal, "ServicePrincipal"],
            ["resize-receive", roleId(builtInRoles.serviceBusDataOwner), queueId, principal, "ServicePrincipal"],
        ]);
        // Azure Service Bus Data Owner: the only built-in data role with Manage, which the trigger's
        // target-based scaling needs to read the queue's message count; scoped to the queue, never the namespace.
        assert.equal(roleId(builtInRoles.serviceBusDataOwner), "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/090c5cfd-751d-490a-894a-3ce6f1109419");
        assert.equal(grants.filter(([, role]) => role === roleId(builtInRoles.serviceBusDataReceiver)).length, 0, "Data Owner covers receiving: no second grant");
        const cosmos = one(resources, "azure-native:cosmosdb:SqlResourceSqlRoleAssignment");
        assert.equal(cosmos.inputs.roleDefinitionId, `${datastoreRef.accountId}/sqlRoleDefinitions/${cosmosDataContributorRole}`);
        assert.equal(cosmos.inputs.scope, datastoreRef.containerScope);
        assert.equal(cosmos.inputs.principalId, principal);
        assert.match(cosmos.inputs.roleAssignmentId as string, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        assert.equal(cosmos.parentType, "queuestack:azure:FunctionWorker");
    });
});

describe("azure Flex Consumption sizing", () => {
    it("rounds memory up to an instance size: 512, 2048 or 4096 MiB", () => {
        assert.deepEqual([128, 512, 513, 2048, 3000, 10_240].map(flexInstanceMemoryMb), [512, 512, 2048, 2048, 4096, 4096]);
    });
});
