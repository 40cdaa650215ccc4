import * as resources from "@pulumi/azure-native/resources";
import * as pulumi from "@pulumi/pulumi";
import { computedState } from "../../components/testing/computed-state";
import { type PlannedResource, runOffline, valueOf } from "../../components/testing/offline";
import type { AzureCodeSource } from "../../components/azure/code";
import { functionAppArchive } from "../../components/azure/code";

/** Placement shared by the Azure component tests. */
export const where = { namePrefix: ["shop", "dev"], resourceGroupName: "shop-dev", location: "westeurope" };
export const subscription = "00000000-0000-0000-0000-000000000000";
export const global = { uniqueScope: "/subscriptions/0/resourceGroups/shop-dev", subscription };
export const appInsights = { id: "/subscriptions/0/resourceGroups/shop-dev/providers/microsoft.insights/components/shop-dev-insights", connectionString: "InstrumentationKey=test;IngestionEndpoint=https://westeurope.in.applicationinsights.azure.com/" };

export const queueId = "/subscriptions/0/resourceGroups/shop-dev/providers/Microsoft.ServiceBus/namespaces/shop-dev-bus/queues/shop-dev-jobs";
export const namespaceId = "/subscriptions/0/resourceGroups/shop-dev/providers/Microsoft.ServiceBus/namespaces/shop-dev-bus";
export const queueRef = {
    queueId,
    namespaceId,
    queueName: "shop-dev-jobs",
    fullyQualifiedNamespace: "shop-dev-bus.servicebus.windows.net",
    sessions: false,
    lockDurationSeconds: 180,
};
export const accountId = "/subscriptions/0/resourceGroups/shop-dev/providers/Microsoft.DocumentDB/databaseAccounts/shop-dev-db";
export const datastoreRef = {
    accountName: "shop-dev-db",
    accountId,
    endpoint: "https://shop-dev-db.documents.azure.com:443/",
    databaseName: "shop-dev-db",
    containerName: "shop-dev-results",
    containerScope: `${accountId}/dbs/shop-dev-db/colls/shop-dev-results`,
};

/** The role definition id of a built-in role in the test subscription. */
export const roleId = (guid: string) => `/subscriptions/${subscription}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;

/** Function App packages holding a fixed script in place of the bundled adapters (these tests are about infrastructure). */
export const fixedCode: AzureCodeSource = {
    functionWorker: (handlerModule) => functionAppArchive(`/* worker for ${handlerModule} */`),
    frontEnd: () => functionAppArchive("/* front end */"),
    vmReceiver: (handlerModule) => `/* receiver for ${handlerModule} */`,
};

/** The app settings of a planned Function App site (its WebAppApplicationSettings), as a name -> value map. */
export function settingsOf(resources: PlannedResource[], site: PlannedResource): Record<string, string> {
    const settings = resources.filter((r) => r.type === "azure-native:web:WebAppApplicationSettings" && r.inputs.name === site.inputs.name);
    if (settings.length !== 1) throw new Error(`${site.name}: expected one app settings resource, found ${settings.length}`);
    return settings[0].inputs.properties as Record<string, string>;
}

/** What a plain app setting must never hold: keys, passwords, SAS tokens, connection strings with secrets. */
export const secretPattern = /AccountKey=|SharedAccessKey|SharedAccessSignature|sig=|Password|password=|offline-.*-value/;

export { pulumi };

/**
 * The id the offline mocks gave `resource` (what other resources received as its `id`), found by
 * asking the same mocks for the id of a probe resource, so tests compare ids without guessing.
 */
export async function mockedIdOf(): Promise<(resource: PlannedResource) => string> {
    const probe = await runOffline(() => new resources.ResourceGroup("probe", { resourceGroupName: "probe" }).id);
    const armStyle = (await valueOf(probe.result)) !== "probe-id";
    return (resource) =>
        armStyle
            ? String(computedState({ type: resource.type, name: resource.name, inputs: resource.inputs, provider: "", id: "", custom: true }).id)
            : `${resource.name}-id`;
}

interface RegisterRequest {
    getName(): string;
    getDependenciesList(): string[];
}

/**
 * Runs `program` offline and also records, per resource name, the names of the resources it
 * depends on (explicit `dependsOn` and inputs from other resources), as the engine would see them.
 */
export async function runWithDependencies<T>(program: () => T): Promise<{ resources: PlannedResource[]; dependsOn: Map<string, string[]> }> {
    const dependsOn = new Map<string, string[]>();
    const { resources } = await runOffline(() => {
        const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource(req: RegisterRequest, cb: unknown): Promise<void> };
        const register = monitor.registerResource.bind(monitor);
        monitor.registerResource = (req, cb) => {
            dependsOn.set(req.getName(), req.getDependenciesList().map((urn) => urn.split("::").pop()!));
            return register(req, cb);
        };
        return program();
    });
    return { resources, dependsOn };
}
