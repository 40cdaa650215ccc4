import { ofType, stringInput, type PlannedResource } from "../plan";
import { cloudNameRules, type NameScope } from "./name-rules";

/** Every planned physical name the rules know, checked against its cloud's rule; one line per problem. */
export function nameProblems(resources: PlannedResource[]): string[] {
    return Object.entries(cloudNameRules).flatMap(([type, rule]) =>
        ofType(resources, type).flatMap((resource) => {
            const name = stringInput(resource, rule.input);
            if (name === undefined || rule.pattern.test(name)) return [];
            return [`${type.split(":").pop()} ${resource.name}: ${rule.input} "${name}" (${name.length} chars) breaks the rule: ${rule.rule} (${rule.source}).`];
        }),
    );
}

/**
 * Global names the two plans share: each is a second stack or region of the same program, so a
 * shared account-, project- or cloud-wide name makes the second `pulumi up` fail (or take over the
 * first stack's resource). `shared`: the scopes the two plans deploy into together (a second
 * project shares only the cloud-wide names). @default every scope
 */
export function collisions(first: PlannedResource[], second: PlannedResource[], what: string, shared: readonly NameScope[] = ["account", "project", "cloud"]): string[] {
    return Object.entries(cloudNameRules).flatMap(([type, rule]) => {
        if (!rule.global || !shared.includes(rule.global)) return [];
        const taken = new Set(ofType(first, type).map((r) => stringInput(r, rule.input)).filter(Boolean));
        return ofType(second, type).flatMap((resource) => {
            const name = stringInput(resource, rule.input);
            if (!name || !taken.has(name)) return [];
            return [`${type.split(":").pop()} name "${name}" is the same in ${what}; it is unique per ${rule.global}. Put the ${what.includes("region") ? "region" : "stack"} in the name.`];
        });
    });
}
