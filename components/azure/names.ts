import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { type NameRule, physicalName, shortHash } from "../naming";

const lowerAlnumHyphen = /[^a-z0-9-]/g;

/**
 * Azure physical naming rules per resource kind, from "Naming rules and restrictions for Azure
 * resources". Kinds marked global need a name unique across all of Azure (see `globalName`).
 */
export const azureNames = {
    resourceGroup: { maxLength: 90, disallowed: /[^A-Za-z0-9_().-]/g, separator: "-", lowercase: false },
    logAnalyticsWorkspace: { maxLength: 63, disallowed: /[^A-Za-z0-9-]/g, separator: "-", lowercase: false },
    appInsights: { maxLength: 255, disallowed: /[^A-Za-z0-9_.()-]/g, separator: "-", lowercase: false },
    /** Global (`<name>.servicebus.windows.net`); 6-50, letters, digits, hyphens, starts with a letter. */
    serviceBusNamespace: { maxLength: 50, disallowed: lowerAlnumHyphen, separator: "-", lowercase: true },
    serviceBusQueue: { maxLength: 260, disallowed: /[^A-Za-z0-9._-]/g, separator: "-", lowercase: true },
    serviceBusTopic: { maxLength: 260, disallowed: /[^A-Za-z0-9._-]/g, separator: "-", lowercase: true },
    /** Unique within its topic; 1-50 letters, digits, periods, hyphens, underscores. */
    serviceBusSubscription: { maxLength: 50, disallowed: /[^A-Za-z0-9._-]/g, separator: "-", lowercase: true },
    /** Global (`<name>.documents.azure.com`); 3-44 lowercase letters, digits, hyphens. */
    cosmosAccount: { maxLength: 44, disallowed: lowerAlnumHyphen, separator: "-", lowercase: true },
    cosmosDatabase: { maxLength: 255, disallowed: /[^A-Za-z0-9_-]/g, separator: "-", lowercase: false },
    cosmosContainer: { maxLength: 255, disallowed: /[^A-Za-z0-9_-]/g, separator: "-", lowercase: false },
    /** Global (`<name>.blob.core.windows.net`); 3-24 lowercase letters and digits only. */
    storageAccount: { maxLength: 24, disallowed: /[^a-z0-9]/g, separator: "", lowercase: true },
    blobContainer: { maxLength: 63, disallowed: lowerAlnumHyphen, separator: "-", lowercase: true },
    /** Global (`<name>.azurewebsites.net`); 2-60 letters, digits, hyphens. */
    functionApp: { maxLength: 60, disallowed: lowerAlnumHyphen, separator: "-", lowercase: true },
    appServicePlan: { maxLength: 60, disallowed: /[^A-Za-z0-9-]/g, separator: "-", lowercase: false },
    /** Global (`<name>.vault.azure.net`); 3-24 letters, digits, hyphens, starts with a letter. */
    keyVault: { maxLength: 24, disallowed: lowerAlnumHyphen, separator: "-", lowercase: true },
    /** User-assigned managed identity; 3-128 letters, digits, hyphens, underscores. */
    userAssignedIdentity: { maxLength: 128, disallowed: /[^A-Za-z0-9_-]/g, separator: "-", lowercase: false },
    keyVaultSecret: { maxLength: 127, disallowed: /[^A-Za-z0-9-]/g, separator: "-", lowercase: false },
    virtualMachineScaleSet: { maxLength: 64, disallowed: /[^A-Za-z0-9._-]/g, separator: "-", lowercase: false },
    /** Linux host name prefix of scale set instances (a suffix of 6 characters is added by Azure). */
    computerNamePrefix: { maxLength: 15, disallowed: lowerAlnumHyphen, separator: "-", lowercase: true },
    network: { maxLength: 64, disallowed: /[^A-Za-z0-9_.-]/g, separator: "-", lowercase: false },
    /** Action group short name: shown in SMS and email subjects, 12 characters at most. */
    actionGroupShortName: { maxLength: 12, disallowed: /[^A-Za-z0-9-]/g, separator: "-", lowercase: true },
    monitorRule: { maxLength: 260, disallowed: /[^A-Za-z0-9_.-]/g, separator: "-", lowercase: false },
} satisfies Record<string, NameRule>;

/**
 * A name unique across Azure for kinds whose name is a DNS label (namespace, Cosmos account,
 * storage account, function app, key vault): `parts` plus a digest of `scope` (e.g. the
 * subscription id), kept intact when the name is shortened.
 */
export function globalName(rule: NameRule, parts: readonly string[], scope: pulumi.Input<string>): pulumi.Output<string> {
    return pulumi.output(scope).apply((s) => globalNameOf(rule, parts, s));
}

/** `globalName` for a known scope. */
export function globalNameOf(rule: NameRule, parts: readonly string[], scope: string): string {
    const suffix = `${rule.separator}${shortHash(`${parts.join("/")}@${scope}`)}${rule.suffix ?? ""}`;
    return physicalName({ ...rule, suffix }, parts);
}

/** A GUID derived from `parts` (for resources whose name must be a GUID, such as workbooks). */
export function stableGuid(...parts: string[]): string {
    const hex = createHash("sha256").update(parts.join("/")).digest("hex");
    const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
