import type * as cosmosdb from "@pulumi/azure-native/cosmosdb";
import type * as pulumi from "@pulumi/pulumi";

/**
 * Cosmos DB data-plane role assignments of one account, created one after another. The account
 * takes one role-assignment write at a time: assignments created in parallel fail with 412
 * "exclusive lock" (https://github.com/hashicorp/terraform-provider-azurerm/issues/15842; the
 * azurerm provider serialises them for the same reason). Each assignment added here depends on
 * the one added before it, whichever component made it.
 */
export class CosmosRoleAssignmentQueue {
    private last?: cosmosdb.SqlResourceSqlRoleAssignment;
    /** The assignments in creation order. */
    readonly assignments: cosmosdb.SqlResourceSqlRoleAssignment[] = [];

    /** Creates an assignment with `create`, given the options that put it after the previous one. */
    add(create: (after: pulumi.CustomResourceOptions) => cosmosdb.SqlResourceSqlRoleAssignment): cosmosdb.SqlResourceSqlRoleAssignment {
        const assignment = create(this.last ? { dependsOn: [this.last] } : {});
        this.last = assignment;
        this.assignments.push(assignment);
        return assignment;
    }
}
