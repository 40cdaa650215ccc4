import type { Policies, PolicyPackConfig } from "@pulumi/policy";
import { runOffline } from "../../components/testing/offline";
import { type EvaluatedResource, evaluatePolicies } from "../../policies/lib/evaluate";
import { toEvaluatedResources } from "../../policies/lib/offline";

/**
 * Runs a Pulumi program written with the providers' own resources (no queuestack components)
 * under mocks, as the offline policy run does, and returns what the policy engine would see.
 */
export async function planProgram(program: () => unknown): Promise<EvaluatedResource[]> {
    const { resources } = await runOffline(program, { project: "someone-elses-app", stack: "prod" });
    return toEvaluatedResources(resources, "someone-elses-app", "prod");
}

/** Every violation `policies` report on `program`, as "<level> <policy> <resource>: <message>". */
export async function violationsOf(policies: Policies, program: () => unknown, config?: PolicyPackConfig): Promise<string[]> {
    const resources = await planProgram(program);
    const nameOf = (urn?: string) => resources.find((r) => r.urn === urn)?.name ?? "(stack)";
    return (await evaluatePolicies(resources, policies, config)).map((v) => `${v.enforcementLevel} ${v.policyName} ${nameOf(v.urn)}: ${v.message}`);
}
