import * as storage from "@pulumi/azure-native/storage";
import * as web from "@pulumi/azure-native/web";
import * as pulumi from "@pulumi/pulumi";
import { type AzurePlacement, placement } from "./context";
import { azureNames } from "./names";
import { grantRole, principalIdOf } from "./roles";
import { privateBlobStore } from "./storage";

/** Node.js version of every queuestack Function App (bundles target the same version). */
export const functionsNodeVersion = "20";
/** Blob the Flex Consumption host deploys from. */
export const packageBlobName = "released-package.zip";

/** Flex Consumption instance sizes, MiB. */
const instanceSizesMb = [512, 2048, 4096] as const;

/** The smallest Flex Consumption instance with at least `memoryMb`. */
export function flexInstanceMemoryMb(memoryMb: number): number {
    return instanceSizesMb.find((size) => size >= memoryMb) ?? instanceSizesMb[instanceSizesMb.length - 1];
}

export interface FunctionAppArgs extends AzurePlacement {
    /** Role part of the physical names ("worker-scraper", "front-end"). */
    role: string;
    /** The zipped function app (host.json, package.json, the bundled entry). */
    code: pulumi.Input<pulumi.asset.Archive>;
    /** App settings: plain configuration only, never keys or connection strings. */
    appSettings: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** Memory per instance, MiB; rounded up to a Flex Consumption size (512, 2048 or 4096). */
    memoryMb: number;
    /** Most instances the app scales out to. */
    maximumInstanceCount: number;
    /** Application Insights to report to (with Entra ID authentication). */
    appInsights: { id: pulumi.Input<string>; connectionString: pulumi.Input<string> };
    /** Makes the app and storage names unique across Azure (e.g. the resource group id). */
    uniqueScope: pulumi.Input<string>;
    /** Subscription of the built-in role definitions. */
    subscription: pulumi.Input<string>;
}

/** What a role hands on to its Function App besides sizing and settings. */
export type FunctionAppHosting = Pick<FunctionAppArgs, "resourceGroupName" | "location" | "namePrefix" | "tags" | "uniqueScope" | "subscription" | "appInsights" | "code">;

/** The hosting fields of a role's args (placement, global names, roles, telemetry and code). */
export function hostingOf(args: FunctionAppHosting): FunctionAppHosting {
    const { resourceGroupName, location, namePrefix, tags, uniqueScope, subscription, appInsights, code } = args;
    return { resourceGroupName, location, namePrefix, tags, uniqueScope, subscription, appInsights, code };
}

/**
 * A Linux Function App on the Flex Consumption plan with a system-assigned identity, deploying
 * from a private blob container and using its storage and Application Insights through that
 * identity: no storage key, connection string or instrumentation key in its settings.
 */
export class FunctionApp extends pulumi.ComponentResource {
    readonly app: web.WebApp;
    readonly appName: pulumi.Output<string>;
    readonly appId: pulumi.Output<string>;
    /** Object id of the app's system-assigned identity (grant it data-plane roles). */
    readonly principalId: pulumi.Output<string>;
    /** `<app>.azurewebsites.net` */
    readonly defaultHostName: pulumi.Output<string>;

    constructor(name: string, args: FunctionAppArgs, opts?: pulumi.ComponentResourceOptions) {
        super("queuestack:azure:FunctionApp", name, {}, opts);
        const at = placement(args, args.role);
        const parent = { parent: this };
        const { account, container, containerUrl } = privateBlobStore(name, at, { uniqueScope: args.uniqueScope, nameParts: [args.role], containerName: "deployments" }, this);
        new storage.Blob(`${name}-package`, {
            accountName: account.name,
            containerName: container.name,
            resourceGroupName: at.resourceGroupName,
            blobName: packageBlobName,
            contentType: "application/zip",
            source: args.code,
        }, parent);
        const plan = new web.AppServicePlan(`${name}-plan`, {
            name: at.name(azureNames.appServicePlan, args.role),
            resourceGroupName: at.resourceGroupName,
            location: at.location,
            kind: "functionapp",
            reserved: true,
            sku: { name: "FC1", tier: "FlexConsumption" },
            tags: at.tags,
        }, parent);
        this.app = new web.WebApp(`${name}-site`, {
            name: at.globalName(azureNames.functionApp, args.uniqueScope, args.role),
            resourceGroupName: at.resourceGroupName,
            location: at.location,
            kind: "functionapp,linux",
            serverFarmId: plan.id,
            httpsOnly: true,
            identity: { type: "SystemAssigned" },
            functionAppConfig: {
                deployment: {
                    storage: {
                        type: "blobContainer",
                        value: containerUrl,
                        authentication: { type: "SystemAssignedIdentity" },
                    },
                },
                runtime: { name: "node", version: functionsNodeVersion },
                scaleAndConcurrency: {
                    instanceMemoryMB: flexInstanceMemoryMb(args.memoryMb),
                    maximumInstanceCount: args.maximumInstanceCount,
                },
            },
            siteConfig: {
                minTlsVersion: "1.2",
                ftpsState: "Disabled",
                appSettings: pulumi.output(args.appSettings).apply((custom) =>
                    Object.entries({
                        ...custom,
                        AzureWebJobsStorage__accountName: account.name,
                        AzureWebJobsStorage__credential: "managedidentity",
                        APPLICATIONINSIGHTS_CONNECTION_STRING: args.appInsights.connectionString,
                        APPLICATIONINSIGHTS_AUTHENTICATION_STRING: "Authorization=AAD",
                    }).map(([settingName, value]) => ({ name: settingName, value })),
                ),
            },
            tags: at.tags,
        }, parent);
        this.principalId = principalIdOf(this.app.identity);
        const grant = { principalId: this.principalId, subscription: args.subscription };
        // Host storage (leases, timers) and its own deployment package: this account only.
        grantRole(`${name}-storage-access`, { ...grant, role: "storageBlobDataOwner", scope: account.id }, parent);
        grantRole(`${name}-telemetry`, { ...grant, role: "monitoringMetricsPublisher", scope: args.appInsights.id }, parent);
        this.appName = this.app.name;
        this.appId = this.app.id;
        this.defaultHostName = this.app.defaultHostName;
        this.registerOutputs({ appName: this.appName, appId: this.appId, defaultHostName: this.defaultHostName });
    }
}
