import type { EvaluatedResource, Violation } from "./evaluate";

/** `(aws:sqs/queue:Queue: orders)`, or `(stack)` for a violation that names no resource. */
function subject(violation: Violation, resources: readonly EvaluatedResource[]): string {
    const resource = resources.find((r) => r.urn === violation.urn);
    return resource ? `(${resource.type}: ${resource.name})` : "(stack)";
}

/**
 * Violations in the layout the Pulumi CLI prints after a preview: the pack, then one entry per
 * violation with its level, policy, resource, the policy's description and the message.
 */
export function formatViolations(pack: { name: string; version: string; source: string }, violations: readonly Violation[], resources: readonly EvaluatedResource[]): string {
    const mandatory = violations.some((v) => v.enforcementLevel === "mandatory");
    const lines = ["Policies:", `    ${violations.length === 0 ? "✅" : mandatory ? "❌" : "⚠️ "} ${pack.name}@v${pack.version} (${pack.source})`];
    for (const v of violations) {
        lines.push(`        - [${v.enforcementLevel}]  ${v.policyName}  ${subject(v, resources)}`);
        for (const text of [v.description, ...v.message.split("\n")]) lines.push(`          ${text}`);
    }
    return lines.join("\n");
}

/** One-line tally: "2 mandatory, 1 advisory violations". */
export function summarize(violations: readonly Violation[]): string {
    const count = (level: string) => violations.filter((v) => v.enforcementLevel === level).length;
    return `${count("mandatory")} mandatory, ${count("advisory")} advisory violations`;
}
