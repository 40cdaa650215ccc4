import { z } from "zod";
import { ruleWithFix } from "./zod-issues";

/**
 * Logical names used in the spec (stack, queue and worker names). Physical cloud names are derived
 * from them by `components/naming.ts`, so these rules are the intersection of every cloud's rules.
 */
export const logicalName = (what: string, maxLength: number) =>
    z
        .string()
        // One character passes this pattern, so its length problem is the one reported (min below).
        .regex(/^[a-z]([a-z0-9-]*[a-z0-9])?$/, {
            error: ruleWithFix(
                "must be lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen",
                'Rename it, e.g. "orders" or "image-resize".',
            ),
        })
        .min(2, { error: `must be at least 2 characters` })
        .max(maxLength, { error: `must be at most ${maxLength} characters` })
        .describe(`${what}: lowercase letters, digits and hyphens (2-${maxLength} characters).`);
