import type { MockResourceArgs } from "@pulumi/pulumi/runtime";
import { computedState } from "../../components/testing/computed-state";
import type { PlannedResource } from "../../components/testing/offline";
import type { EvaluatedResource } from "./evaluate";

/**
 * Turns the resources of an offline run into what the policy engine would see: URNs with the
 * parent type chain, inputs for resource policies, and inputs plus the values the mocks computed
 * (arn, url, id, ...) as outputs for stack policies.
 */
export function toEvaluatedResources(planned: readonly PlannedResource[], project: string, stack: string): EvaluatedResource[] {
    const parentOf = (r: PlannedResource) => planned.find((p) => p.name === r.parent && p.type === r.parentType);
    const typeChain = (r: PlannedResource, depth = 0): string => {
        const parent = depth < 100 ? parentOf(r) : undefined;
        return parent ? `${typeChain(parent, depth + 1)}$${r.type}` : r.type;
    };
    const urnOf = (r: PlannedResource) => `urn:pulumi:${stack}::${project}::${typeChain(r)}::${r.name}`;
    return planned.map((r) => {
        const parent = parentOf(r);
        const mockArgs = { type: r.type, name: r.name, inputs: r.inputs, custom: r.custom } as MockResourceArgs;
        return {
            type: r.type,
            name: r.name,
            urn: urnOf(r),
            inputs: r.inputs,
            outputs: r.custom ? { ...r.inputs, ...computedState(mockArgs) } : r.inputs,
            ...(parent ? { parentUrn: urnOf(parent) } : {}),
        };
    });
}
