import * as cosmosdb from "@pulumi/azure-native/cosmosdb";
import * as pulumi from "@pulumi/pulumi";
import { CosmosRoleAssignmentQueue } from "./cosmos-role-queue";
import { stableGuid } from "./names";
import { cosmosDataContributorRole, cosmosDataReaderRole } from "./roles";
import type { CosmosContainerRef } from "./worker-settings";

/** What an identity may do with the container's items. */
export type ContainerAccess = "readWrite" | "read";

/** The built-in Cosmos DB data-plane role behind each access level. */
const containerRoles: Record<ContainerAccess, string> = { readWrite: cosmosDataContributorRole, read: cosmosDataReaderRole };

/** Queues of refs that carry none (a ref used on its own, outside a whole stack). */
const queuesOfRefs = new WeakMap<CosmosContainerRef, CosmosRoleAssignmentQueue>();

/** The ref's role-assignment queue: the account's, else one kept for this ref object. */
function queueOf(datastore: CosmosContainerRef): CosmosRoleAssignmentQueue {
    if (datastore.roleAssignments) return datastore.roleAssignments;
    let queue = queuesOfRefs.get(datastore);
    if (!queue) queuesOfRefs.set(datastore, (queue = new CosmosRoleAssignmentQueue()));
    return queue;
}

/**
 * Grants a managed identity access to items of one Cosmos DB container (data plane) and nothing
 * else in the account: read/write (the built-in Data Contributor role, the default) or read only
 * (the built-in Data Reader role). With the account's metadata role (`metadataRoleId`) it first
 * grants that at account scope (metadata only: the SDK reads the account and database before any
 * item). The assignments join the account's queue (`roleAssignments`), so each is created after
 * every assignment on the account made before it; the container grant, returned, comes last.
 */
export function grantContainerAccess(
    name: string,
    args: { principalId: pulumi.Input<string>; datastore: CosmosContainerRef; resourceGroupName: pulumi.Input<string>; access?: ContainerAccess },
    opts: pulumi.CustomResourceOptions,
): cosmosdb.SqlResourceSqlRoleAssignment {
    const queue = queueOf(args.datastore);
    const assign = (resourceName: string, roleDefinitionId: pulumi.Input<string>, scope: pulumi.Input<string>) =>
        queue.add((after) => new cosmosdb.SqlResourceSqlRoleAssignment(resourceName, {
            accountName: args.datastore.accountName,
            resourceGroupName: args.resourceGroupName,
            roleAssignmentId: stableGuid(pulumi.getProject(), pulumi.getStack(), resourceName),
            roleDefinitionId,
            principalId: args.principalId,
            scope,
        }, { ...opts, ...after }));
    if (args.datastore.metadataRoleId) assign(`${name}-metadata`, args.datastore.metadataRoleId, args.datastore.accountId);
    return assign(name, pulumi.interpolate`${args.datastore.accountId}/sqlRoleDefinitions/${containerRoles[args.access ?? "readWrite"]}`, args.datastore.containerScope);
}
