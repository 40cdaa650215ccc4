import { z } from "zod";
import { type SpecIssue, type SpecPath, suggestion, valueAt } from "./issues";

/** Fixes written into schema error messages after this separator (`rule<sep>fix`). */
const fixSeparator = "\n";

/** An error message carrying its own fix, for rules zod checks (formats, patterns). */
export function ruleWithFix(rule: string, fix: string): string {
    return `${rule}${fixSeparator}${fix}`;
}

/** The sub-schema at `path`, looking through defaults, optionals, arrays and records. */
function schemaAt(schema: z.ZodType, path: SpecPath): z.ZodType | undefined {
    let node: z.ZodType | undefined = schema;
    for (const key of path) {
        node = node && unwrap(node);
        if (node instanceof z.ZodObject) node = (node.shape as Record<string, z.ZodType>)[key as string];
        else if (node instanceof z.ZodArray) node = node.element as z.ZodType;
        else if (node instanceof z.ZodRecord) node = node.valueType as z.ZodType;
        else return undefined;
    }
    return node && unwrap(node);
}

function unwrap(schema: z.ZodType): z.ZodType {
    let node = schema;
    while (node instanceof z.ZodDefault || node instanceof z.ZodPrefault || node instanceof z.ZodOptional) {
        node = node.unwrap() as z.ZodType;
    }
    return node;
}

function knownKeys(schema: z.ZodType, path: SpecPath): string[] {
    const node = schemaAt(schema, path);
    return node instanceof z.ZodObject ? Object.keys(node.shape) : [];
}

const typeNames: Record<string, string> = { int: "whole number", object: "object (key: value)", array: "list" };
const article = (expected: string) => {
    const word = typeNames[expected] ?? expected;
    return /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`;
};

function sizeRule(issue: { origin: string; inclusive?: boolean }, bound: number | bigint, dir: "least" | "most"): string {
    if (issue.origin === "array") return `must list at ${dir} ${bound} item${bound === 1 ? "" : "s"}`;
    if (issue.origin === "string") return `must be at ${dir} ${bound} characters`;
    return `must be at ${dir} ${bound}`;
}

function sizeFix(origin: string, bound: number | bigint, dir: "least" | "most"): string {
    if (origin === "array") return dir === "least" ? `Add ${bound === 1 ? "one" : `at least ${bound} items`}.` : `Remove items to keep ${bound} or fewer.`;
    if (origin === "string") return dir === "least" ? `Use at least ${bound} characters.` : `Shorten it to ${bound} characters or fewer.`;
    return dir === "least" ? `Raise it to ${bound} or more.` : `Lower it to ${bound} or less.`;
}

/** Turns zod's issues into spec issues (one per unknown key), each with its received value and fix. */
export function fromZodIssues(schema: z.ZodType, input: unknown, issues: readonly z.core.$ZodIssue[]): SpecIssue[] {
    return issues.flatMap((issue): SpecIssue[] => {
        const path = issue.path as SpecPath;
        const received = valueAt(input, path);
        switch (issue.code) {
            case "unrecognized_keys": {
                const known = knownKeys(schema, path);
                return issue.keys.map((key) => ({
                    path: [...path, key],
                    rule: "is not a known field",
                    received: valueAt(input, [...path, key]),
                    fix: suggestion(key, known, "fields here"),
                }));
            }
            case "invalid_type":
                return received === undefined
                    ? [{ path, rule: "is required", received, fix: `Add ${article(issue.expected)} here.` }]
                    : [{ path, rule: `must be ${article(issue.expected)}`, received, fix: `Write ${article(issue.expected)}.` }];
            case "too_small":
                return [{ path, rule: sizeRule(issue, issue.minimum, "least"), received, fix: sizeFix(issue.origin, issue.minimum, "least") }];
            case "too_big":
                return [{ path, rule: sizeRule(issue, issue.maximum, "most"), received, fix: sizeFix(issue.origin, issue.maximum, "most") }];
            case "invalid_value": {
                const choices = issue.values.map(String);
                const fix = typeof received === "string" ? suggestion(received, choices, "values") : `Use one of: ${choices.join(", ")}.`;
                return [{ path, rule: `must be one of ${choices.join(" | ")}`, received, fix }];
            }
            default: {
                const [rule, fix] = issue.message.split(fixSeparator);
                return [{ path, rule, received, fix: fix ?? "Correct the value." }];
            }
        }
    });
}
