import { closest, distance } from "fastest-levenshtein";

export type SpecPath = ReadonlyArray<string | number>;

/** One problem in a spec: where, which rule, what was received, and how to fix it. */
export interface SpecIssue {
    path: SpecPath;
    /** The rule broken, phrased after the path: "must be at most 14 on aws". */
    rule: string;
    /** The value found at `path` (undefined when missing). */
    received: unknown;
    /** One sentence telling the person what to change. */
    fix: string;
}

/** `queues[0].deadLetter.retentionDays` */
export function formatPath(path: SpecPath): string {
    return path.reduce<string>(
        (out, key) => (typeof key === "number" ? `${out}[${key}]` : out ? `${out}.${key}` : key),
        "",
    ) || "(spec)";
}

export function formatValue(value: unknown): string {
    if (value === undefined) return "nothing";
    const text = typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** `queues[0].processingTimeSeconds: must be at most 50 on azure (got 90). Lower it, or split the work.` */
export function formatIssue(issue: SpecIssue): string {
    return `${formatPath(issue.path)}: ${issue.rule} (got ${formatValue(issue.received)}). ${issue.fix}`;
}

/** The closest candidate to `word`, if it is close enough to be a likely typo. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
    if (candidates.length === 0) return undefined;
    const best = closest(word, candidates as string[]);
    const tolerance = Math.max(2, Math.floor(best.length / 3));
    return distance(word.toLowerCase(), best.toLowerCase()) <= tolerance ? best : undefined;
}

/** "Did you mean "x"?" or a list of the valid choices. */
export function suggestion(word: string, candidates: readonly string[], noun: string): string {
    const match = didYouMean(word, candidates);
    if (match) return `Did you mean "${match}"?`;
    return candidates.length ? `Use one of the ${noun}: ${candidates.join(", ")}.` : `No ${noun} are defined.`;
}

/** Everything wrong with a spec, reported at once before any resource exists. */
export class SpecError extends Error {
    readonly issues: readonly SpecIssue[];
    constructor(issues: readonly SpecIssue[], where = "queuestack spec") {
        const lines = issues.map((i) => `  ${formatIssue(i)}`);
        super(`Invalid ${where} (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n${lines.join("\n")}`);
        this.name = "SpecError";
        this.issues = issues;
    }
}

/** Reads the value at `path` inside `root`, or undefined. */
export function valueAt(root: unknown, path: SpecPath): unknown {
    let node: unknown = root;
    for (const key of path) {
        if (node === null || typeof node !== "object") return undefined;
        node = (node as Record<string | number, unknown>)[key];
    }
    return node;
}
