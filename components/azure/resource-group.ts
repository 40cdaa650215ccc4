import * as applicationinsights from "@pulumi/azure-native/applicationinsights";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as resources from "@pulumi/azure-native/resources";
import * as pulumi from "@pulumi/pulumi";
import { physicalName } from "../naming";
import { azureNames } from "./names";

export interface ResourceGroupArgs {
    /**
     * Use this existing resource group instead of creating one (spec `azure.resourceGroupName`).
     * @default a new resource group named `<project>-<stack>-<location>`
     */
    existingName?: string;
    /** Region of a new resource group. @default the provider's `azure-native:location` */
    location?: pulumi.Input<string>;
    /** Days logs and telemetry are kept in Log Analytics. @default 30 */
    logRetentionDays?: number;
    /** Leading parts of every physical name. @default [pulumi project, pulumi stack] */
    namePrefix?: string[];
    /** Tags put on every resource. @default {} */
    tags?: Record<string, string>;
}

/**
 * The stack's resource group (new or existing) with a Log Analytics workspace and a
 * workspace-based Application Insights that accepts Entra ID-authenticated telemetry only.
 */
export class ResourceGroup extends pulumi.ComponentResource {
    readonly resourceGroupName: pulumi.Output<string>;
    /** Resource id of the group (`/subscriptions/.../resourceGroups/<name>`). */
    readonly resourceGroupId: pulumi.Output<string>;
    readonly location: pulumi.Output<string>;
    readonly workspace: operationalinsights.Workspace;
    readonly appInsights: applicationinsights.Component;
    /** Application Insights endpoint and id (not a secret: ingestion requires Entra ID). */
    readonly appInsightsConnectionString: pulumi.Output<string>;

    constructor(name: string, args: ResourceGroupArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        super("queuestack:azure:ResourceGroup", name, {}, opts);
        const prefix = args.namePrefix ?? [pulumi.getProject(), pulumi.getStack()];
        const tags = { ...args.tags, "queuestack:role": "observability" };
        if (args.existingName) {
            const existing = resources.getResourceGroupOutput({ resourceGroupName: args.existingName }, { parent: this });
            this.resourceGroupName = existing.name;
            this.resourceGroupId = existing.id;
            this.location = existing.location;
        } else {
            // A group's name is unique in its subscription whatever its location, so the location is
            // part of it: the same stack in a second region of one subscription gets its own group
            // (https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftresources),
            // and the group id, which scopes the stack's Azure-wide names (storage accounts, Service
            // Bus, Cosmos DB, sites, key vault; see `globalName`), differs per region too.
            const location = args.location ?? new pulumi.Config("azure-native").get("location");
            const group = new resources.ResourceGroup(`${name}-group`, {
                resourceGroupName: pulumi.output(location).apply((where) => physicalName(azureNames.resourceGroup, where ? [...prefix, where] : prefix)),
                location: args.location,
                tags: { ...args.tags, "queuestack:role": "stack" },
            }, { parent: this });
            this.resourceGroupName = group.name;
            this.resourceGroupId = group.id;
            this.location = group.location;
        }
        this.workspace = new operationalinsights.Workspace(`${name}-logs`, {
            workspaceName: physicalName(azureNames.logAnalyticsWorkspace, [...prefix, "logs"]),
            resourceGroupName: this.resourceGroupName,
            location: this.location,
            sku: { name: "PerGB2018" },
            retentionInDays: args.logRetentionDays ?? 30,
            tags,
        }, { parent: this });
        this.appInsights = new applicationinsights.Component(`${name}-insights`, {
            resourceName: physicalName(azureNames.appInsights, [...prefix, "insights"]),
            resourceGroupName: this.resourceGroupName,
            location: this.location,
            kind: "web",
            applicationType: "web",
            ingestionMode: "LogAnalytics",
            workspaceResourceId: this.workspace.id,
            disableLocalAuth: true,
            tags,
        }, { parent: this });
        this.appInsightsConnectionString = this.appInsights.connectionString;
        this.registerOutputs({
            resourceGroupName: this.resourceGroupName,
            resourceGroupId: this.resourceGroupId,
            location: this.location,
            workspaceId: this.workspace.id,
            appInsightsId: this.appInsights.id,
        });
    }
}
