import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type NameRule, physicalName } from "../naming";
import type { TracingSpec } from "../spec";

/** Naming and tagging shared by every AWS role component. */
export interface AwsPlacement {
    /** Leading parts of every physical name. @default [pulumi project, pulumi stack] */
    namePrefix?: string[];
    /** Tags put on every resource that takes them. @default {} */
    tags?: Record<string, string>;
    /** Trace export of the stack's functions (spec tracing). @default off */
    tracing?: TracingSpec;
}

/**
 * Resolves a role's placement: a name builder, one for account-global names, and its tags (with
 * the queuestack role tag).
 *
 * `globalName` puts the region (of `parent`'s provider) after the prefix, e.g.
 * `portfolio-dev-eu-west-1-scraper`: IAM roles and CloudWatch dashboards are account-global, so the
 * same stack deployed to a second region of the account would otherwise collide
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudwatch-dashboard.html:
 * "All dashboards in your account are global, not region-specific").
 */
export function placement(args: AwsPlacement, role: string) {
    const prefix = args.namePrefix ?? [pulumi.getProject(), pulumi.getStack()];
    return {
        name: (rule: NameRule, ...parts: string[]) => physicalName(rule, [...prefix, ...parts]),
        globalName: (parent: pulumi.Resource, rule: NameRule, ...parts: string[]): pulumi.Output<string> =>
            aws.getRegionOutput({}, { parent }).region.apply((region) => physicalName(rule, [...prefix, region, ...parts])),
        tags: { ...args.tags, "queuestack:role": role },
        tracing: args.tracing,
    };
}
