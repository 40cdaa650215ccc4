import * as storage from "@pulumi/azure-native/storage";
import { tracingEnvironment } from "../tracing-environment";
import * as web from "@pulumi/azure-native/web";
import * as pulumi from "@pulumi/pulumi";
import { deployedRuntimes } from "../runtimes";
import { archiveDigest } from "./code";
import { type AzurePlacement, placement } from "./context";
import { azureNames } from "./names";
import { grantRole, principalIdOf } from "./roles";
import { privateBlobStore } from "./storage";

/**
 * `functionAppConfig.runtime.version` of every queuestack Function App, from the dated runtime
 * table (components/runtimes.ts). Flex accepts only versions in its regional catalog, as listed:
 * ARM takes any other string and every instance then fails to start
 * (https://github.com/Azure/Azure-Functions/issues/2666).
 */
export const functionsNodeVersion = deployedRuntimes.azureFunctions.id;
/**
 * Blob the Flex Consumption host runs from: the name One Deploy gives the package in the
 * deployment container (https://learn.microsoft.com/azure/azure-functions/functions-infrastructure-as-code?pivots=flex-consumption-plan#deployment-package).
 */
export const packageBlobName = "released-package.zip";
/**
 * App setting holding the package's SHA-256: a code change changes the app's settings, which
 * restarts the app; a started Flex host loads the package and syncs its triggers
 * (https://learn.microsoft.com/azure/azure-functions/functions-deployment-technologies#trigger-syncing).
 */
export const packageDigestSetting = "QUEUESTACK_PACKAGE_SHA256";

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
    /**
     * A user-assigned identity the app resolves Key Vault references with, already granted read on
     * the secrets: the app is created after `grants`, so a reference resolves at the first start
     * (a system identity exists only once the app does, so its grant always comes too late).
     * @default none: the app has its system-assigned identity only
     */
    keyVaultReferenceIdentity?: { id: pulumi.Input<string>; grants: pulumi.Input<pulumi.Resource>[] };
    /**
     * Creates the role's own grants to the app's system identity (queues, containers, secrets);
     * the app's settings wait for them, so the app starts with its configuration only once it may
     * use what the configuration names. @default none
     */
    grants?: (principalId: pulumi.Output<string>) => pulumi.Resource[];
    /**
     * Tags on the site declaring what infrastructure cannot show (components/declarations.ts),
     * e.g. `QUEUESTACK_IDEMPOTENCY_STORE`; the settings live in their own resource. @default {}
     */
    declarations?: Record<string, pulumi.Input<string>>;
}

/** What a role hands on to its Function App besides sizing and settings. */
export type FunctionAppHosting = Pick<FunctionAppArgs, "resourceGroupName" | "location" | "namePrefix" | "tags" | "tracing" | "uniqueScope" | "subscription" | "appInsights" | "code">;

/** The hosting fields of a role's args (placement, global names, roles, telemetry and code). */
export function hostingOf(args: FunctionAppHosting): FunctionAppHosting {
    const { resourceGroupName, location, namePrefix, tags, tracing, uniqueScope, subscription, appInsights, code } = args;
    return { resourceGroupName, location, namePrefix, tags, ...(tracing ? { tracing } : {}), uniqueScope, subscription, appInsights, code };
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
    /** The app's settings (Microsoft.Web/sites/config "appsettings"), applied once its grants exist. */
    readonly settings: web.WebAppApplicationSettings;

    constructor(name: string, args: FunctionAppArgs, opts?: pulumi.ComponentResourceOptions) {
        super("queuestack:azure:FunctionApp", name, {}, opts);
        const at = placement(args, args.role);
        const parent = { parent: this };
        const { account, container, containerUrl } = privateBlobStore(name, at, { uniqueScope: args.uniqueScope, nameParts: [args.role], containerName: "deployments" }, this);
        const packageBlob = new storage.Blob(`${name}-package`, {
            accountName: account.name,
            containerName: container.name,
            resourceGroupName: at.resourceGroupName,
            blobName: packageBlobName,
            contentType: "application/zip",
            source: args.code,
        }, {
            ...parent,
            // The name is fixed, so a new package must not be written before the old blob is
            // deleted (create-before-delete would delete the new package).
            deleteBeforeReplace: true,
        });
        const plan = new web.AppServicePlan(`${name}-plan`, {
            name: at.name(azureNames.appServicePlan, args.role),
            resourceGroupName: at.resourceGroupName,
            location: at.location,
            kind: "functionapp",
            reserved: true,
            sku: { name: "FC1", tier: "FlexConsumption" },
            tags: at.tags,
        }, parent);
        const referenceIdentity = args.keyVaultReferenceIdentity;
        // No siteConfig at all: the SDK fills netFrameworkVersion "v4.6" and http20Enabled into
        // any siteConfig it is given, and Flex refuses Site.SiteConfig.NetFrameworkVersion (and
        // FtpsState) with a 400 (https://github.com/pulumi/pulumi-azure-native/issues/4168,
        // https://learn.microsoft.com/azure/azure-functions/functions-app-settings#flex-consumption-plan-deprecations).
        // Flex serves TLS 1.2 and above and has no FTP endpoint; app settings are their own resource.
        this.app = new web.WebApp(`${name}-site`, {
            name: at.globalName(azureNames.functionApp, args.uniqueScope, args.role),
            resourceGroupName: at.resourceGroupName,
            location: at.location,
            kind: "functionapp,linux",
            serverFarmId: plan.id,
            httpsOnly: true,
            identity: referenceIdentity
                ? { type: "SystemAssigned, UserAssigned", userAssignedIdentities: [referenceIdentity.id] }
                : { type: "SystemAssigned" },
            ...(referenceIdentity ? { keyVaultReferenceIdentity: referenceIdentity.id } : {}),
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
            tags: { ...at.tags, ...args.declarations },
        }, { ...parent, dependsOn: referenceIdentity?.grants ?? [] });
        this.principalId = principalIdOf(this.app.identity);
        const grant = { principalId: this.principalId, subscription: args.subscription };
        // Host storage (leases, timers) and its own deployment package: this account only.
        const hostGrants = [
            grantRole(`${name}-storage-access`, { ...grant, role: "storageBlobDataOwner", scope: account.id }, parent),
            grantRole(`${name}-telemetry`, { ...grant, role: "monitoringMetricsPublisher", scope: args.appInsights.id }, parent),
        ];
        // Replaces the app's whole settings on every change; the package digest makes a code change a
        // settings change, so the app restarts onto the new package.
        this.settings = new web.WebAppApplicationSettings(`${name}-settings`, {
            name: this.app.name,
            resourceGroupName: at.resourceGroupName,
            properties: pulumi.all([args.appSettings, pulumi.output(args.code).apply(archiveDigest), account.name, args.appInsights.connectionString, this.app.name]).apply(([custom, digest, accountName, connectionString, appName]) => ({
                ...custom,
                ...(tracingEnvironment(args.tracing, appName) as Record<string, string>),
                AzureWebJobsStorage__accountName: accountName,
                AzureWebJobsStorage__credential: "managedidentity",
                APPLICATIONINSIGHTS_CONNECTION_STRING: connectionString,
                APPLICATIONINSIGHTS_AUTHENTICATION_STRING: "Authorization=AAD",
                [packageDigestSetting]: digest,
            })),
        }, { ...parent, dependsOn: [packageBlob, ...hostGrants, ...(args.grants?.(this.principalId) ?? [])] });
        this.appName = this.app.name;
        this.appId = this.app.id;
        this.defaultHostName = this.app.defaultHostName;
        this.registerOutputs({ appName: this.appName, appId: this.appId, defaultHostName: this.defaultHostName });
    }
}
