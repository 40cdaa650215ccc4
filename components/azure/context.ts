import * as pulumi from "@pulumi/pulumi";
import type { TracingSpec } from "../spec";
import { type NameRule, physicalName } from "../naming";
import { globalName } from "./names";

/** Where an Azure role component puts its resources, and how it names and tags them. */
export interface AzurePlacement {
    /** Resource group holding the role's resources (ResourceGroup's `resourceGroupName`). */
    resourceGroupName: pulumi.Input<string>;
    /** Azure region, e.g. "westeurope" (ResourceGroup's `location`). */
    location: pulumi.Input<string>;
    /** Leading parts of every physical name. @default [pulumi project, pulumi stack] */
    namePrefix?: string[];
    /** Tags put on every resource that takes them. @default {} */
    tags?: Record<string, string>;
    /** Trace export of the stack's function apps (spec tracing). @default off */
    tracing?: TracingSpec;
}

/** Resolves a role's placement: name builders (stack-unique and Azure-unique) and tags. */
export function placement(args: AzurePlacement, role: string) {
    const prefix = args.namePrefix ?? [pulumi.getProject(), pulumi.getStack()];
    return {
        name: (rule: NameRule, ...parts: string[]) => physicalName(rule, [...prefix, ...parts]),
        /** A name unique across Azure: the resource group id makes it differ between subscriptions. */
        globalName: (rule: NameRule, scope: pulumi.Input<string>, ...parts: string[]) => globalName(rule, [...prefix, ...parts], scope),
        tags: { ...args.tags, "queuestack:role": role },
        location: args.location,
        resourceGroupName: args.resourceGroupName,
    };
}

/** Only the placement fields of a role's args, to hand on to a child component. */
export function placementOf(args: AzurePlacement): AzurePlacement {
    return { resourceGroupName: args.resourceGroupName, location: args.location, namePrefix: args.namePrefix, tags: args.tags };
}
