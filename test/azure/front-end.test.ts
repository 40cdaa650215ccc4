import { strict as assert } from "node:assert";
import { FrontEnd } from "../../components/azure/front-end";
import { builtInRoles, cosmosDataReaderRole } from "../../components/azure/roles";
import { azureNames, globalNameOf } from "../../components/azure/names";
import { runOffline, valueOf } from "../../components/testing/offline";
import { ofType, one } from "../helpers/resources";
import { appInsights, datastoreRef, fixedCode, global, mockedIdOf, queueId, roleId, runWithDependencies, secretPattern, settingsOf, where } from "./fixtures";

const ordersId = queueId.replace("shop-dev-jobs", "shop-dev-orders");
const program = (frontEnd?: { auth?: "apiKey" | "none"; maxBodyKb?: number }, datastore?: typeof datastoreRef) =>
    new FrontEnd("api", {
        ...where,
        ...global,
        appInsights,
        frontEnd,
        tenantId: "11111111-1111-1111-1111-111111111111",
        fullyQualifiedNamespace: "shop-dev-bus.servicebus.windows.net",
        code: fixedCode.frontEnd(),
        datastore,
        queues: [
            { name: "jobs", queueId, queueName: "shop-dev-jobs", sessions: false },
            { name: "orders", queueId: ordersId, queueName: "shop-dev-orders", sessions: true, deduplication: "content" as const },
        ],
    });
const plan = (frontEnd?: { auth?: "apiKey" | "none"; maxBodyKb?: number }, datastore?: typeof datastoreRef) => runOffline(() => program(frontEnd, datastore));

describe("azure FrontEnd", () => {
    it("checks an API key read from Key Vault through a reference, never a plain setting", async () => {
        const { result, resources } = await plan();
        const settings = settingsOf(resources, one(resources, "azure-native:web:WebApp"));
        assert.equal(settings.QUEUESTACK_AUTH, "apiKey");
        assert.match(settings.QUEUESTACK_API_KEY, /^@Microsoft\.KeyVault\(SecretUri=https:\/\/shop-dev-kv-[0-9a-f]{6}\.vault\.azure\.net\/secrets\/shop-dev-api-key\)$/);
        for (const [name, value] of Object.entries(settings)) assert.doesNotMatch(value, secretPattern, `${name} holds a secret`);
        const vault = one(resources, "azure-native:keyvault:Vault");
        assert.equal((vault.inputs.properties as { enableRbacAuthorization: boolean }).enableRbacAuthorization, true);
        const secret = one(resources, "azure-native:keyvault:Secret");
        assert.equal(secret.parentType, "queuestack:azure:ApiKeyVault");
        assert.equal((secret.inputs.properties as { value: string }).value, "offline-api-api-key-value-value");
        assert.equal(await valueOf(result.apiKey!), "offline-api-api-key-value-value");
    });

    it("limits request bodies to maxBodyKb in the host and the handler", async () => {
        const planned = (await plan({ maxBodyKb: 64 })).resources;
        const settings = settingsOf(planned, one(planned, "azure-native:web:WebApp"));
        assert.equal(settings.FUNCTIONS_REQUEST_BODY_SIZE_LIMIT, "65536");
        assert.equal(settings.QUEUESTACK_MAX_BODY_BYTES, "65536");
        assert.deepEqual(JSON.parse(settings.QUEUESTACK_QUEUES), [
            { name: "jobs", entity: "shop-dev-jobs", sessions: false },
            // Content deduplication: the handler ids each message by its content hash.
            { name: "orders", entity: "shop-dev-orders", sessions: true, deduplication: "content" },
        ]);
    });

    it("may send to each of its queues and read its key, each grant on that one resource", async () => {
        const { resources } = await plan();
        const principal = "principal-api-functions-site";
        const secretId = (await mockedIdOf())(one(resources, "azure-native:keyvault:Secret"));
        const grants = ofType(resources, "azure-native:authorization:RoleAssignment")
            .filter((r) => r.parentType === "queuestack:azure:FrontEnd")
            .map((r) => [r.name, r.inputs.roleDefinitionId, r.inputs.scope, r.inputs.principalId]);
        assert.deepEqual(grants, [
            ["api-read-api-key", roleId(builtInRoles.keyVaultSecretsUser), secretId, "principal-api-key-reader"],
            ["api-send-jobs", roleId(builtInRoles.serviceBusDataSender), queueId, principal],
            ["api-send-orders", roleId(builtInRoles.serviceBusDataSender), ordersId, principal],
        ]);
    });

    it("resolves the key with a user-assigned identity granted before the app exists, so the first start reads it", async () => {
        const { resources, dependsOn } = await runWithDependencies(() => program());
        const reader = one(resources, "azure-native:managedidentity:UserAssignedIdentity");
        assert.deepEqual(reader.inputs, { resourceName: "shop-dev-front-end-key-reader", resourceGroupName: "shop-dev", location: "westeurope", tags: { "queuestack:role": "front-end" } });
        const readerId = (await mockedIdOf())(reader);
        const site = one(resources, "azure-native:web:WebApp");
        assert.deepEqual(site.inputs.identity, { type: "SystemAssigned, UserAssigned", userAssignedIdentities: [readerId] });
        assert.equal(site.inputs.keyVaultReferenceIdentity, readerId);
        assert.equal(dependsOn.get("api-functions-site")!.includes("api-read-api-key"), true);
        assert.equal(dependsOn.get("api-read-api-key")!.includes("api-functions-site"), false);
        // The settings (with the reference) wait for every send grant too.
        for (const grant of ["api-send-jobs", "api-send-orders"]) assert.equal(dependsOn.get("api-functions-settings")!.includes(grant), true, grant);
    });

    it("names the vault per incarnation of the stack, so destroy and up again never meets the soft-deleted vault", async () => {
        const { resources } = await plan();
        const incarnation = one(resources, "random:index/randomString:RandomString");
        assert.deepEqual(incarnation.inputs, { length: 6, special: false, upper: false });
        const vault = one(resources, "azure-native:keyvault:Vault");
        const expected = globalNameOf(azureNames.keyVault, ["shop", "dev", "kv"], `${global.uniqueScope}/offline-${incarnation.name}-value`);
        assert.equal(vault.inputs.vaultName, expected);
        // The fixed name the vault had before: refused with 409 for 7 days after a destroy.
        assert.notEqual(vault.inputs.vaultName, globalNameOf(azureNames.keyVault, ["shop", "dev", "kv"], global.uniqueScope));
        assert.equal((vault.inputs.properties as { softDeleteRetentionInDays: number }).softDeleteRetentionInDays, 7);
    });

    it("reads job status from the one Cosmos DB container, with the Data Reader role scoped to it", async () => {
        const { resources } = await plan({ auth: "none" }, datastoreRef);
        const settings = settingsOf(resources, one(resources, "azure-native:web:WebApp"));
        assert.deepEqual(
            [settings.QUEUESTACK_COSMOS_ENDPOINT, settings.QUEUESTACK_COSMOS_DATABASE, settings.QUEUESTACK_COSMOS_CONTAINER],
            ["https://shop-dev-db.documents.azure.com:443/", "shop-dev-db", "shop-dev-results"],
        );
        const read = one(resources, "azure-native:cosmosdb:SqlResourceSqlRoleAssignment");
        assert.equal(read.name, "api-read-jobs");
        assert.equal(read.parentType, "queuestack:azure:FrontEnd");
        assert.deepEqual(
            [read.inputs.roleDefinitionId, read.inputs.scope, read.inputs.principalId, read.inputs.accountName, read.inputs.resourceGroupName],
            [`${datastoreRef.accountId}/sqlRoleDefinitions/${cosmosDataReaderRole}`, datastoreRef.containerScope, "principal-api-functions-site", "shop-dev-db", where.resourceGroupName],
        );
        assert.equal(cosmosDataReaderRole, "00000000-0000-0000-0000-000000000001");
    });

    it("has no Cosmos DB settings or access without a datastore", async () => {
        const { resources } = await plan({ auth: "none" });
        const settings = settingsOf(resources, one(resources, "azure-native:web:WebApp"));
        assert.deepEqual(Object.keys(settings).filter((k) => k.startsWith("QUEUESTACK_COSMOS_")), []);
        assert.equal(ofType(resources, "azure-native:cosmosdb:SqlResourceSqlRoleAssignment").length, 0);
    });

    it("serves https://<app>.azurewebsites.net/api/messages", async () => {
        const { result } = await plan();
        assert.match(await valueOf(result.url), /^https:\/\/shop-dev-front-end-[0-9a-f]{6}\.azurewebsites\.net\/api\/messages$/);
    });

    it("creates no vault, key or key grant with auth: none", async () => {
        const { resources } = await plan({ auth: "none" });
        assert.equal(ofType(resources, "azure-native:keyvault:Vault").length, 0);
        assert.equal(ofType(resources, "random:index/randomPassword:RandomPassword").length, 0);
        const settings = settingsOf(resources, one(resources, "azure-native:web:WebApp"));
        assert.equal(settings.QUEUESTACK_AUTH, "none");
        assert.equal(settings.QUEUESTACK_API_KEY, undefined);
        assert.equal(ofType(resources, "azure-native:authorization:RoleAssignment").filter((r) => r.name === "api-read-api-key").length, 0);
    });
});
