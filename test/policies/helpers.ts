import type { PolicyPackConfig, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { type EvaluatedResource, PolicyNotApplicable, resourceValidationArgs, stackValidationArgs } from "../../policies/lib/evaluate";

/** What one policy run produced: the messages reported, or why the policy did not apply. */
export interface PolicyOutcome {
    violations: string[];
    notApplicable?: string;
}

const urnOf = (type: string, name: string) => `urn:pulumi:test::queuestack::${type}::${name}`;

async function outcome(run: (report: (message: string) => void) => unknown): Promise<PolicyOutcome> {
    const violations: string[] = [];
    try {
        await run((message) => violations.push(message));
        return { violations };
    } catch (error) {
        if (error instanceof PolicyNotApplicable) return { violations, notApplicable: error.reason ?? "" };
        throw error;
    }
}

/** Runs a resource policy on one resource's inputs, with engine-shaped args. */
export function checkResource(policy: ResourceValidationPolicy, type: string, inputs: Record<string, unknown>, options: { name?: string; config?: PolicyPackConfig } = {}): Promise<PolicyOutcome> {
    const name = options.name ?? "subject";
    const args = resourceValidationArgs({ type, name, urn: urnOf(type, name), inputs }, policy, options.config);
    const validate = policy.validateResource;
    if (!validate || Array.isArray(validate)) throw new Error(`${policy.name}: expected exactly one validateResource`);
    return outcome((report) => validate(args, report));
}

/** A stack resource for stack policies: outputs only (inputs plus computed values). */
export function stackResource(type: string, name: string, outputs: Record<string, unknown>): EvaluatedResource {
    return { type, name, urn: urnOf(type, name), inputs: outputs, outputs };
}

/** Runs a stack policy on the given resources; violations are "<resource name>: <message>". */
export async function checkStack(policy: StackValidationPolicy, resources: EvaluatedResource[], config?: PolicyPackConfig): Promise<PolicyOutcome> {
    const args = stackValidationArgs(resources, policy, config);
    const nameOf = (urn?: string) => resources.find((r) => r.urn === urn)?.name ?? "(stack)";
    const violations: string[] = [];
    const result = await outcome(() => policy.validateStack(args, (message, urn) => violations.push(`${nameOf(urn)}: ${message}`)));
    return { violations, ...(result.notApplicable !== undefined ? { notApplicable: result.notApplicable } : {}) };
}

/** A copy of `stack` with one resource's outputs changed (a key set to undefined is removed). */
export function withChange(stack: EvaluatedResource[], name: string, change: (outputs: Record<string, any>) => Record<string, any>): EvaluatedResource[] {
    if (!stack.some((r) => r.name === name)) throw new Error(`no resource named ${name} in the fixture`);
    return stack.map((r) => {
        if (r.name !== name) return r;
        const outputs = Object.fromEntries(Object.entries(change(structuredClone(r.outputs))).filter(([, v]) => v !== undefined));
        return { ...r, inputs: outputs, outputs };
    });
}

/** A copy of `stack` without the named resources. */
export function without(stack: EvaluatedResource[], ...names: string[]): EvaluatedResource[] {
    for (const name of names) if (!stack.some((r) => r.name === name)) throw new Error(`no resource named ${name} in the fixture`);
    return stack.filter((r) => !names.includes(r.name));
}
