import * as cosmosdb from "@pulumi/azure-native/cosmosdb";
import * as pulumi from "@pulumi/pulumi";
import { type DatastoreSpec, datastoreSchema, parseSpecPart, secondsPerDay } from "../spec";
import { type AzurePlacement, placement } from "./context";
import { CosmosRoleAssignmentQueue } from "./cosmos-role-queue";
import { azureNames, stableGuid } from "./names";

/** Partition key of the results container: one logical partition per job/idempotency key. */
export const partitionKeyPath = "/pk";

export interface DatastoreArgs extends AzurePlacement {
    /** The datastore spec (`ttlDays`, `pointInTimeRecovery`). @default {} (30 days, PITR on) */
    datastore?: Partial<DatastoreSpec>;
    /** Makes the account name unique across Azure (e.g. the resource group id). */
    uniqueScope: pulumi.Input<string>;
}

/**
 * Cosmos DB for NoSQL, serverless, with Entra ID data-plane access only (keys disabled), one
 * database and a container partitioned on `/pk` whose items expire after `ttlDays`.
 */
export class Datastore extends pulumi.ComponentResource {
    readonly spec: DatastoreSpec;
    readonly account: cosmosdb.DatabaseAccount;
    readonly accountName: pulumi.Output<string>;
    readonly accountId: pulumi.Output<string>;
    /** `https://<account>.documents.azure.com:443/` */
    readonly endpoint: pulumi.Output<string>;
    readonly databaseName: pulumi.Output<string>;
    readonly containerName: pulumi.Output<string>;
    /** `<accountId>/dbs/<db>/colls/<container>`: the scope of data-plane role assignments. */
    readonly containerScope: pulumi.Output<string>;
    /**
     * A custom data-plane role with one action, `Microsoft.DocumentDB/databaseAccounts/readMetadata`,
     * assignable on the account: container-scoped grants do not cover the SDK's metadata reads of
     * the account (`/`) and database, which then fail 403 substatus 5301 (Azure/azure-cosmos-dotnet-v3
     * issues 2891 and 3638; the built-in roles carry readMetadata, but only within their scope).
     * Grants it at account scope reads no items.
     */
    readonly metadataRoleId: pulumi.Output<string>;
    /** The account's data-plane role assignments, created one at a time (hand it on in `CosmosContainerRef`). */
    readonly roleAssignments = new CosmosRoleAssignmentQueue();

    constructor(name: string, args: DatastoreArgs, opts?: pulumi.ComponentResourceOptions) {
        const spec = parseSpecPart(datastoreSchema, args.datastore ?? {}, `datastore "${name}"`);
        super("queuestack:azure:Datastore", name, {}, opts);
        this.spec = spec;
        const at = placement(args, "datastore");
        this.account = new cosmosdb.DatabaseAccount(`${name}-account`, {
            accountName: at.globalName(azureNames.cosmosAccount, args.uniqueScope, "db"),
            resourceGroupName: at.resourceGroupName,
            location: at.location,
            kind: "GlobalDocumentDB",
            databaseAccountOfferType: "Standard",
            capabilities: [{ name: "EnableServerless" }],
            locations: [{ locationName: at.location, failoverPriority: 0 }],
            consistencyPolicy: { defaultConsistencyLevel: "Session" },
            disableLocalAuth: true,
            disableKeyBasedMetadataWriteAccess: true,
            minimalTlsVersion: "Tls12",
            backupPolicy: spec.pointInTimeRecovery
                ? { type: "Continuous", continuousModeProperties: { tier: "Continuous7Days" } }
                : { type: "Periodic" },
            tags: at.tags,
        }, { parent: this });
        const database = new cosmosdb.SqlResourceSqlDatabase(`${name}-database`, {
            accountName: this.account.name,
            resourceGroupName: at.resourceGroupName,
            databaseName: at.name(azureNames.cosmosDatabase, "db"),
            resource: { id: at.name(azureNames.cosmosDatabase, "db") },
        }, { parent: this });
        const containerName = at.name(azureNames.cosmosContainer, "results");
        const container = new cosmosdb.SqlResourceSqlContainer(`${name}-container`, {
            accountName: this.account.name,
            resourceGroupName: at.resourceGroupName,
            databaseName: database.name,
            containerName,
            resource: {
                id: containerName,
                partitionKey: { paths: [partitionKeyPath], kind: "Hash", version: 2 },
                defaultTtl: spec.ttlDays * secondsPerDay,
            },
        }, { parent: this });
        const metadataRole = new cosmosdb.SqlResourceSqlRoleDefinition(`${name}-metadata-reader`, {
            accountName: this.account.name,
            resourceGroupName: at.resourceGroupName,
            roleDefinitionId: stableGuid(pulumi.getProject(), pulumi.getStack(), name, "metadata-reader"),
            roleName: "queuestack metadata reader",
            type: "CustomRole",
            assignableScopes: [this.account.id],
            permissions: [{ dataActions: ["Microsoft.DocumentDB/databaseAccounts/readMetadata"] }],
        }, { parent: this });
        this.metadataRoleId = metadataRole.id;
        this.accountName = this.account.name;
        this.accountId = this.account.id;
        this.endpoint = this.account.documentEndpoint;
        this.databaseName = database.name;
        this.containerName = container.name;
        this.containerScope = pulumi.interpolate`${this.account.id}/dbs/${database.name}/colls/${container.name}`;
        this.registerOutputs({
            accountName: this.accountName,
            endpoint: this.endpoint,
            databaseName: this.databaseName,
            containerName: this.containerName,
        });
    }
}
