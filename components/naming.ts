import { createHash } from "node:crypto";

/** The naming rules of one kind of cloud resource. */
export interface NameRule {
    /** Longest name the cloud accepts (including any suffix). */
    maxLength: number;
    /** Characters that are NOT allowed (replaced by the separator, or dropped when it is ""). */
    disallowed: RegExp;
    /** Joins the parts; "" for kinds that accept letters and digits only. */
    separator: "-" | "_" | "";
    /** Lowercase the name (kinds that reject capitals). */
    lowercase: boolean;
    /** Appended after shortening (e.g. ".fifo"). */
    suffix?: string;
}

/** A short stable digest of `text` (hex of its SHA-256): for shortened names and names unique beyond one stack. */
export function shortHash(text: string, length = 6): string {
    return createHash("sha256").update(text).digest("hex").slice(0, length);
}

/**
 * A valid physical name under `rule`, made of `parts` (e.g. spec name, stack, queue name). Names
 * that would be too long are shortened with a stable hash, so two long names never collide.
 * Each cloud keeps its rules in `components/<cloud>/names.ts`.
 * `physicalName(awsNames.sqsFifoQueue, ["portfolio", "dev", "scrape", "dlq"])` -> `portfolio-dev-scrape-dlq.fifo`.
 */
export function physicalName(rule: NameRule, parts: readonly string[]): string {
    const suffix = rule.suffix ?? "";
    const cleaned = parts
        .map((part) => (rule.lowercase ? part.toLowerCase() : part).replace(rule.disallowed, rule.separator))
        .filter((part) => part.length > 0)
        .join(rule.separator);
    const room = rule.maxLength - suffix.length;
    if (cleaned.length <= room) return cleaned + suffix;
    const digest = shortHash(cleaned, 8);
    const keep = room - digest.length - rule.separator.length;
    return `${cleaned.slice(0, keep).replace(/[-_.]+$/, "")}${rule.separator}${digest}${suffix}`;
}
