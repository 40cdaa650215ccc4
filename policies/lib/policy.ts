import type {
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";

/** Anything that hands out policy config (resource and stack validation args alike). */
interface ConfigSource {
    getConfig<T extends object>(): T;
}

/**
 * The policy's config with every schema default filled in. The Pulumi CLI fills defaults before
 * calling a policy; the offline runner and hand-built args may not, so policies always read
 * their config through this.
 */
export function configOf<T extends object>(args: ConfigSource, schema: PolicyConfigSchema | undefined): T {
    const defaults = Object.fromEntries(
        Object.entries(schema?.properties ?? {})
            .filter(([, property]) => property.default !== undefined)
            .map(([key, property]) => [key, property.default]),
    );
    return { ...defaults, ...(args.getConfig<Partial<T>>() ?? {}) } as T;
}

/** An integer config property with bounds and a default. */
export function integerSetting(description: string, defaultValue: number, minimum: number, maximum?: number): PolicyConfigJSONSchema {
    return { type: "integer", description, default: defaultValue, minimum, ...(maximum === undefined ? {} : { maximum }) };
}

/**
 * Wraps a validation so it runs only for the given type tokens (`aws:sqs/queue:Queue`, ...) and
 * reports every other type as not applicable. Matching on type tokens, not SDK classes, keeps the
 * pack independent of which provider SDKs are installed.
 */
export function forTypes<P>(
    types: readonly string[],
    validate: (props: P, args: ResourceValidationArgs, reportViolation: ReportViolation) => void,
): ResourceValidation {
    return (args, reportViolation) => {
        if (!types.includes(args.type)) {
            return args.notApplicable(`Policy only applies to resources of type ${types.map((t) => `'${t}'`).join(" or ")}`);
        }
        return validate(args.props as P, args, reportViolation);
    };
}

/** A resource policy whose validation reads its config with defaults filled in. */
export function resourcePolicy<P, C extends object = Record<string, never>>(definition: {
    name: string;
    description: string;
    enforcementLevel: "mandatory" | "advisory";
    types: readonly string[];
    configSchema?: PolicyConfigSchema;
    remediationSteps?: string;
    validate: (props: P, context: { args: ResourceValidationArgs; config: C; report: ReportViolation }) => void;
}): ResourceValidationPolicy {
    const { validate, types, ...policy } = definition;
    return {
        ...policy,
        validateResource: forTypes<P>(types, (props, args, report) => validate(props, { args, config: configOf<C>(args, policy.configSchema), report })),
    };
}

/** A stack policy whose validation reads its config with defaults filled in. */
export function stackPolicy<C extends object = Record<string, never>>(definition: {
    name: string;
    description: string;
    enforcementLevel: "mandatory" | "advisory";
    configSchema?: PolicyConfigSchema;
    remediationSteps?: string;
    validate: (context: { args: StackValidationArgs; config: C; report: ReportViolation }) => void;
}): StackValidationPolicy {
    const { validate, ...policy } = definition;
    return {
        ...policy,
        validateStack: (args, report) => validate({ args, config: configOf<C>(args, policy.configSchema), report }),
    };
}
