import * as cosmosdb from "@pulumi/azure-native/cosmosdb";
import * as pulumi from "@pulumi/pulumi";
import { stableGuid } from "./names";
import { cosmosDataContributorRole, cosmosDataReaderRole } from "./roles";
import type { CosmosContainerRef } from "./worker-settings";

/** What an identity may do with the container's items. */
export type ContainerAccess = "readWrite" | "read";

/** The built-in Cosmos DB data-plane role behind each access level. */
const containerRoles: Record<ContainerAccess, string> = { readWrite: cosmosDataContributorRole, read: cosmosDataReaderRole };

/**
 * Grants a managed identity access to items of one Cosmos DB container (data plane) and nothing
 * else in the account: read/write (the built-in Data Contributor role, the default) or read only
 * (the built-in Data Reader role).
 */
export function grantContainerAccess(
    name: string,
    args: { principalId: pulumi.Input<string>; datastore: CosmosContainerRef; resourceGroupName: pulumi.Input<string>; access?: ContainerAccess },
    opts: pulumi.CustomResourceOptions,
): cosmosdb.SqlResourceSqlRoleAssignment {
    return new cosmosdb.SqlResourceSqlRoleAssignment(name, {
        accountName: args.datastore.accountName,
        resourceGroupName: args.resourceGroupName,
        roleAssignmentId: stableGuid(pulumi.getProject(), pulumi.getStack(), name),
        roleDefinitionId: pulumi.interpolate`${args.datastore.accountId}/sqlRoleDefinitions/${containerRoles[args.access ?? "readWrite"]}`,
        principalId: args.principalId,
        scope: args.datastore.containerScope,
    }, opts);
}
