import type { PolicyResource } from "@pulumi/policy";

/** Loosely typed resource properties as stack policies see them (outputs, including computed ones). */
export type Props = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The stack's resources of the given types. */
export function ofType(resources: readonly PolicyResource[], ...types: string[]): PolicyResource[] {
    return resources.filter((resource) => types.includes(resource.type));
}

/** A string-valued property, or undefined. */
export function text(value: unknown): string | undefined {
    return typeof value === "string" && value.length > 0 ? value : undefined;
}

/** Case-insensitive glob match (`*` and `?`), as IAM and alert filters use them. */
export function globMatches(pattern: string, value: string): boolean {
    const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "i");
    return regex.test(value);
}

/** A value that may be one item or a list, as a list. */
export function asList<T>(value: T | T[] | undefined | null): T[] {
    if (value === undefined || value === null) return [];
    return Array.isArray(value) ? value : [value];
}
