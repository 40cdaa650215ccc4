import * as cosmosdb from "@pulumi/azure-native/cosmosdb";
import * as pulumi from "@pulumi/pulumi";
import { stableGuid } from "./names";
import { cosmosDataContributorRole } from "./roles";
import type { CosmosContainerRef } from "./worker-settings";

/**
 * Grants a managed identity read/write on items of one Cosmos DB container (data plane, the
 * built-in Data Contributor role) and nothing else in the account.
 */
export function grantContainerAccess(
    name: string,
    args: { principalId: pulumi.Input<string>; datastore: CosmosContainerRef; resourceGroupName: pulumi.Input<string> },
    opts: pulumi.CustomResourceOptions,
): cosmosdb.SqlResourceSqlRoleAssignment {
    return new cosmosdb.SqlResourceSqlRoleAssignment(name, {
        accountName: args.datastore.accountName,
        resourceGroupName: args.resourceGroupName,
        roleAssignmentId: stableGuid(pulumi.getProject(), pulumi.getStack(), name),
        roleDefinitionId: pulumi.interpolate`${args.datastore.accountId}/sqlRoleDefinitions/${cosmosDataContributorRole}`,
        principalId: args.principalId,
        scope: args.datastore.containerScope,
    }, opts);
}
