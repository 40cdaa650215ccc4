import type { PolicyResource } from "@pulumi/policy";
import { claimCheckStoreTag } from "./declarations";
import { ofType } from "./stack";

/**
 * Whether a bucket (S3, GCS) or storage account holds claim-checked message bodies: it carries the
 * tag or label `queuestack-claim-check: "true"` (see declarations.ts). Only those buckets must
 * expire their objects; the pack does not ask it of buckets with other purposes.
 */
export function isClaimCheckStore(props: { tags?: unknown; labels?: unknown }): boolean {
    const marks = [props.tags, props.labels].filter((m): m is Record<string, unknown> => typeof m === "object" && m !== null && !Array.isArray(m));
    return marks.some((m) => String(m[claimCheckStoreTag]).toLowerCase() === "true");
}

/** How a message names the declaration, ending a fix. */
export const claimCheckDeclaration = `(claim-check stores carry the tag or label ${claimCheckStoreTag}: "true")`;

/** The stack's claim-check stores among resources of the given types. */
export function claimCheckStores(resources: readonly PolicyResource[], ...types: string[]): PolicyResource[] {
    return ofType(resources, ...types).filter((r) => isClaimCheckStore(r.props));
}
