import * as gcpConfig from "@pulumi/gcp/config";
import type { TracingSpec } from "../spec";
import * as pulumi from "@pulumi/pulumi";
import { type GcpNameRule, gcpLabels, gcpName } from "./names";

/** Where a GCP role component puts its resources and how it names and labels them. */
export interface GcpPlacement {
    /** Leading parts of every physical name. @default [pulumi project, pulumi stack] */
    namePrefix?: string[];
    /** Labels put on every resource that takes them (made valid label keys/values). @default {} */
    labels?: Record<string, string>;
    /** Region of regional resources (functions, groups, Firestore). @default the `gcp:region` config */
    region?: string;
    /** Trace export of the stack's functions (spec tracing). @default off */
    tracing?: TracingSpec;
}

/** Resolves a role's placement: a name builder, its labels (with the queuestack role) and its region. */
export function gcpPlacement(args: GcpPlacement, role: string) {
    const prefix = args.namePrefix ?? [pulumi.getProject(), pulumi.getStack()];
    return {
        name: (rule: GcpNameRule, ...parts: string[]) => gcpName(rule, [...prefix, ...parts]),
        labels: gcpLabels({ ...args.labels, "queuestack-role": role }),
        region: () => requiredRegion(args.region),
        tracing: args.tracing,
    };
}

/** The region given, else the provider's `gcp:region`; a person-facing error when neither is set. */
export function requiredRegion(region?: string): string {
    const resolved = region ?? gcpConfig.region;
    if (!resolved) {
        throw new Error("queuestack gcp: no region. Set it with `pulumi config set gcp:region europe-west1`, or pass `region` to the component.");
    }
    return resolved;
}

/**
 * Options for a role's resources: parented to the role, and waiting for whatever the role waits for
 * (e.g. the project's APIs), since Pulumi does not pass a component's `dependsOn` to its children.
 */
export function childOptions(component: pulumi.Resource, opts?: pulumi.ComponentResourceOptions): pulumi.CustomResourceOptions {
    return { parent: component, dependsOn: opts?.dependsOn };
}

/** An IAM member string for a service account email. */
export const serviceAccountMember = (email: pulumi.Input<string>) => pulumi.interpolate`serviceAccount:${email}`;
