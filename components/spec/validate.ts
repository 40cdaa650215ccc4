import type { z } from "zod";
import { type Cloud, clouds } from "./clouds";
import { type SpecIssue, SpecError, formatIssue, formatPath, suggestion } from "./issues";
import { specRules } from "./rules";
import type { QueueSpec } from "./queue-schema";
import { type Spec, specSchema } from "./schema";
import { fromZodIssues } from "./zod-issues";

export interface SpecCheck {
    /** The spec with defaults applied, when there is no problem. */
    spec?: Spec;
    /** Every problem found, structural and cross-field, in spec order. */
    issues: SpecIssue[];
}

function setAt(root: unknown, path: readonly PropertyKey[], value: unknown): void {
    let node = root as Record<PropertyKey, unknown> | undefined;
    for (const key of path.slice(0, -1)) {
        const next = node?.[key];
        if (next === null || typeof next !== "object") return;
        node = next as Record<PropertyKey, unknown>;
    }
    if (!node || typeof node !== "object") return;
    const key = path[path.length - 1];
    if (value === undefined) delete node[key];
    else node[key] = value;
}

/** Stand-ins for required values with no default, valid for every rule and unique per place. */
const placeholder = (expected: string, round: number, index: number): unknown =>
    expected === "string" ? `placeholder-${round}-${index}` : expected === "number" ? 1 : undefined;

/**
 * True when a cross-field problem found on the repaired spec speaks of a stand-in: it is about a
 * value the person did not write (its real problem is already reported), so it is left out.
 */
const mentionsStandIn = (issue: SpecIssue, standIns: ReadonlySet<string>) =>
    [...standIns].some((standIn) => formatIssue(issue).includes(standIn));

/**
 * Cross-field rules need a typed spec. When the structure has problems, the faulty values are set
 * aside (their defaults, or neutral stand-ins, take their place) so the rules can still report on
 * everything else in the same pass.
 */
function repairedForRules(input: unknown, issues: readonly z.core.$ZodIssue[], standIns: Set<string>): Spec | undefined {
    const draft: unknown = structuredClone(input);
    let pending = issues;
    for (let round = 0; round < 4; round++) {
        pending.forEach((problem, index) => {
            if (problem.code === "unrecognized_keys") problem.keys.forEach((key) => setAt(draft, [...problem.path, key], undefined));
            else if (round > 0 && problem.code === "invalid_type") {
                const standIn = placeholder(problem.expected, round, index);
                if (typeof standIn === "string") standIns.add(standIn);
                setAt(draft, problem.path, standIn);
            }
            else setAt(draft, problem.path, undefined);
        });
        const result = specSchema.safeParse(draft);
        if (result.success) return result.data;
        pending = result.error.issues;
    }
    return undefined;
}

/** One line per place: the first problem found there. */
function firstPerPath(issues: readonly SpecIssue[]): SpecIssue[] {
    const seen = new Set<string>();
    return issues.filter((i) => !seen.has(formatPath(i.path)) && seen.add(formatPath(i.path)));
}

const overlaps = (a: SpecIssue, b: SpecIssue) => {
    const [x, y] = [formatPath(a.path), formatPath(b.path)];
    return x === y || x.startsWith(`${y}.`) || x.startsWith(`${y}[`) || y.startsWith(`${x}.`) || y.startsWith(`${x}[`);
};

/** Checks a spec for `cloud` and returns every problem at once (never throws for bad input). */
export function checkSpec(input: unknown, cloud: Cloud): SpecCheck {
    if (!clouds.includes(cloud)) {
        return { issues: [{ path: ["cloud"], rule: `must be one of ${clouds.join(" | ")}`, received: cloud, fix: suggestion(String(cloud), clouds, "targets") }] };
    }
    if (input === null || typeof input !== "object" || Array.isArray(input)) {
        return { issues: [{ path: [], rule: "must be an object", received: input, fix: "Write the spec as a YAML or JSON object with at least name and queues." }] };
    }
    const parsed = specSchema.safeParse(input);
    if (parsed.success) {
        const issues = specRules.flatMap((rule) => rule(parsed.data, cloud));
        return issues.length ? { issues } : { spec: parsed.data, issues };
    }
    const structural = firstPerPath(fromZodIssues(specSchema, input, parsed.error.issues));
    const standIns = new Set<string>();
    const repaired = repairedForRules(input, parsed.error.issues, standIns);
    const crossField = repaired ? specRules.flatMap((rule) => rule(repaired, cloud)) : [];
    return { issues: [...structural, ...crossField.filter((c) => !structural.some((s) => overlaps(c, s)) && !mentionsStandIn(c, standIns))] };
}

/** Validates a spec for `cloud`; throws one SpecError listing every problem. */
export function validateSpec(input: unknown, cloud: Cloud): Spec {
    const { spec, issues } = checkSpec(input, cloud);
    if (!spec) throw new SpecError(issues);
    return spec;
}

/**
 * Validates one queue on its own (for components used outside a whole stack): the same rules as
 * in a spec, with paths relative to the queue and errors naming `where`.
 */
export function validateQueueSpec(input: unknown, cloud: Cloud, where: string): QueueSpec {
    const { spec, issues } = checkSpec({ name: "standalone", queues: [input] }, cloud);
    if (spec) return spec.queues[0];
    const relative = issues.map((i) => (i.path[0] === "queues" && i.path[1] === 0 ? { ...i, path: i.path.slice(2) } : i));
    throw new SpecError(relative, where);
}

/** Parses one part of a spec (a worker, the datastore...) with its schema; throws a SpecError naming `where`. */
export function parseSpecPart<S extends z.ZodType>(schema: S, input: unknown, where: string): z.output<S> {
    const result = schema.safeParse(input);
    if (result.success) return result.data;
    throw new SpecError(firstPerPath(fromZodIssues(schema, input, result.error.issues)), where);
}
