import type {
    EnforcementLevel,
    Policies,
    PolicyPackConfig,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { configOf } from "./policy";

/** One resource as the policy engine sees it. */
export interface EvaluatedResource {
    type: string;
    /** Logical name. */
    name: string;
    urn: string;
    /** Inputs: what resource policies see (the engine calls them before the resource is created). */
    inputs: Record<string, unknown>;
    /** Outputs: what stack policies see (inputs plus provider-computed values such as arn, url, id). */
    outputs: Record<string, unknown>;
    parentUrn?: string;
}

/** One reported violation, with the enforcement level it was reported at. */
export interface Violation {
    policyName: string;
    enforcementLevel: EnforcementLevel;
    description: string;
    message: string;
    /** The resource it names, when it names one. */
    urn?: string;
}

/** Raised by `notApplicable()`, as the engine's own args do. */
export class PolicyNotApplicable extends Error {
    constructor(readonly reason?: string) {
        super(reason ?? "Policy does not apply");
    }
}

const emptyOptions = (parent?: string): PolicyResourceOptions => ({
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
    ...(parent ? { parent } : {}),
});

/** The config entry of one policy, minus its enforcement level. */
function policySettings(config: PolicyPackConfig, name: string): Record<string, unknown> {
    const entry = config[name];
    if (typeof entry !== "object" || entry === null) return {};
    const { enforcementLevel: _level, ...settings } = entry;
    return settings;
}

/** The level a policy runs at: pack config first, then the policy's own, then advisory (the engine's default). */
export function enforcementLevelOf(policy: { name: string; enforcementLevel?: EnforcementLevel }, config: PolicyPackConfig = {}): EnforcementLevel {
    const entry = config[policy.name];
    const configured = typeof entry === "string" ? entry : entry?.enforcementLevel;
    const level = configured ?? policy.enforcementLevel ?? "advisory";
    return level === "remediate" ? "mandatory" : level;
}

const typeOf = (resourceClass: unknown) => (resourceClass as { __pulumiType?: string }).__pulumiType;

/** Args for one resource validation, shaped like the engine's (also used by the tests). */
export function resourceValidationArgs(
    resource: Pick<EvaluatedResource, "type" | "name" | "urn" | "inputs" | "parentUrn">,
    policy: { name: string; configSchema?: ResourceValidationPolicy["configSchema"] },
    config: PolicyPackConfig = {},
    stackTags: ReadonlyMap<string, string> = new Map(),
): ResourceValidationArgs {
    const settings = { getConfig: <T extends object>() => policySettings(config, policy.name) as T };
    return {
        type: resource.type,
        props: resource.inputs,
        urn: resource.urn,
        name: resource.name,
        opts: emptyOptions(resource.parentUrn),
        stackTags,
        isType: (resourceClass) => typeOf(resourceClass) === resource.type,
        asType: ((resourceClass: unknown) => (typeOf(resourceClass) === resource.type ? resource.inputs : undefined)) as ResourceValidationArgs["asType"],
        getConfig: <T extends object>() => configOf<T>(settings, policy.configSchema),
        notApplicable: (reason?: string): never => {
            throw new PolicyNotApplicable(reason);
        },
    };
}

/** Args for one stack validation: every resource with its outputs and parent (also used by the tests). */
export function stackValidationArgs(
    resources: readonly EvaluatedResource[],
    policy: { name: string; configSchema?: StackValidationPolicy["configSchema"] },
    config: PolicyPackConfig = {},
    stackTags: ReadonlyMap<string, string> = new Map(),
): StackValidationArgs {
    const byUrn = new Map<string, PolicyResource>();
    const policyResources = resources.map((resource) => {
        const entry: PolicyResource = {
            type: resource.type,
            props: resource.outputs,
            urn: resource.urn,
            name: resource.name,
            opts: emptyOptions(resource.parentUrn),
            dependencies: [],
            propertyDependencies: {},
            isType: (resourceClass) => typeOf(resourceClass) === resource.type,
            asType: ((resourceClass: unknown) => (typeOf(resourceClass) === resource.type ? resource.outputs : undefined)) as PolicyResource["asType"],
        };
        byUrn.set(resource.urn, entry);
        return entry;
    });
    resources.forEach((resource, i) => {
        const parent = resource.parentUrn ? byUrn.get(resource.parentUrn) : undefined;
        if (parent) policyResources[i].parent = parent;
    });
    const settings = { getConfig: <T extends object>() => policySettings(config, policy.name) as T };
    return {
        resources: policyResources,
        stackTags,
        getConfig: <T extends object>() => configOf<T>(settings, policy.configSchema),
        notApplicable: (reason?: string): never => {
            throw new PolicyNotApplicable(reason);
        },
    };
}

/**
 * Runs every policy the way the Pulumi engine does: each resource policy on each resource's
 * inputs, each stack policy once on all resources' outputs. Disabled policies are skipped; a
 * policy that calls notApplicable() reports nothing.
 */
export async function evaluatePolicies(
    resources: readonly EvaluatedResource[],
    policies: Policies,
    config: PolicyPackConfig = {},
    stackTags: ReadonlyMap<string, string> = new Map(),
): Promise<Violation[]> {
    const violations: Violation[] = [];
    for (const policy of policies) {
        const enforcementLevel = enforcementLevelOf(policy, config);
        if (enforcementLevel === "disabled") continue;
        const reporter = (urnOfResource?: string) => (message: string, urn?: string) =>
            violations.push({ policyName: policy.name, enforcementLevel, description: policy.description, message, urn: urnOfResource ?? urn });
        const runs: Array<() => unknown> = [];
        if ("validateStack" in policy) {
            runs.push(() => policy.validateStack(stackValidationArgs(resources, policy, config, stackTags), reporter()));
        } else if (policy.validateResource) {
            const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
            for (const resource of resources) {
                for (const validate of validations) {
                    runs.push(() => validate(resourceValidationArgs(resource, policy, config, stackTags), reporter(resource.urn)));
                }
            }
        }
        for (const run of runs) {
            try {
                await run();
            } catch (error) {
                if (!(error instanceof PolicyNotApplicable)) throw error;
            }
        }
    }
    return violations;
}
