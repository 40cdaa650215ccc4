import * as pulumi from "@pulumi/pulumi";
import { type NameRule, physicalName } from "../naming";

/** Naming and tagging shared by every AWS role component. */
export interface AwsPlacement {
    /** Leading parts of every physical name. @default [pulumi project, pulumi stack] */
    namePrefix?: string[];
    /** Tags put on every resource that takes them. @default {} */
    tags?: Record<string, string>;
}

/** Resolves a role's placement: a name builder and its tags (with the queuestack role tag). */
export function placement(args: AwsPlacement, role: string) {
    const prefix = args.namePrefix ?? [pulumi.getProject(), pulumi.getStack()];
    return {
        name: (rule: NameRule, ...parts: string[]) => physicalName(rule, [...prefix, ...parts]),
        tags: { ...args.tags, "queuestack:role": role },
    };
}
