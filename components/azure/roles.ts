import * as authorization from "@pulumi/azure-native/authorization";
import * as pulumi from "@pulumi/pulumi";

/**
 * Built-in Azure role definition ids (the same GUID in every subscription), from "Azure built-in
 * roles". Data-plane roles only: no component grants a management-plane role.
 */
export const builtInRoles = {
    serviceBusDataReceiver: "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0",
    /** Send, receive and manage (read runtime properties): what the Functions Service Bus trigger's scaling needs. */
    serviceBusDataOwner: "090c5cfd-751d-490a-894a-3ce6f1109419",
    serviceBusDataSender: "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39",
    storageBlobDataOwner: "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
    storageBlobDataContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
    storageBlobDataReader: "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
    keyVaultSecretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
    monitoringMetricsPublisher: "3913510d-42f4-4e42-8a64-420c390055eb",
} as const;

export type BuiltInRole = keyof typeof builtInRoles;

/** Cosmos DB's built-in data-plane role "Cosmos DB Built-in Data Contributor" (read/write items). */
export const cosmosDataContributorRole = "00000000-0000-0000-0000-000000000002";
/** Cosmos DB's built-in data-plane role "Cosmos DB Built-in Data Reader" (read items and metadata). */
export const cosmosDataReaderRole = "00000000-0000-0000-0000-000000000001";

/** `/subscriptions/<id>/providers/Microsoft.Authorization/roleDefinitions/<guid>` */
export function roleDefinitionId(subscription: pulumi.Input<string>, role: BuiltInRole): pulumi.Output<string> {
    return pulumi.interpolate`/subscriptions/${subscription}/providers/Microsoft.Authorization/roleDefinitions/${builtInRoles[role]}`;
}

export interface RoleGrant {
    /** Object id of the managed identity receiving the role. */
    principalId: pulumi.Input<string>;
    /** The built-in role granted. */
    role: BuiltInRole;
    /** The single resource the role applies to (a queue, a secret, a storage account...). */
    scope: pulumi.Input<string>;
    /** The subscription holding the role definition. */
    subscription: pulumi.Input<string>;
}

/** Grants a managed identity one built-in role on one resource. */
export function grantRole(name: string, grant: RoleGrant, opts: pulumi.CustomResourceOptions): authorization.RoleAssignment {
    return new authorization.RoleAssignment(name, {
        principalId: grant.principalId,
        principalType: "ServicePrincipal",
        roleDefinitionId: roleDefinitionId(grant.subscription, grant.role),
        scope: grant.scope,
    }, opts);
}

/** The system-assigned identity's object id of a resource (Function App, scale set). */
export function principalIdOf(identity: pulumi.Output<{ principalId?: string } | undefined>): pulumi.Output<string> {
    return identity.apply((i) => {
        if (!i?.principalId) throw new Error("resource has no system-assigned identity; create it with identity.type SystemAssigned");
        return i.principalId;
    });
}
