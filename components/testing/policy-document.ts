/** One statement of `aws.iam.getPolicyDocument`'s inputs. */
interface StatementInput {
    sid?: string;
    effect?: string;
    actions?: string[];
    notActions?: string[];
    resources?: string[];
    notResources?: string[];
    principals?: { type: string; identifiers: string[] }[];
    notPrincipals?: { type: string; identifiers: string[] }[];
    conditions?: { test: string; variable: string; values: string[] }[];
}

/** A one-element list as its element, as the provider writes it. */
const oneOrMany = (values: string[]) => (values.length === 1 ? values[0] : values);

const principalBlock = (principals: { type: string; identifiers: string[] }[]) => {
    if (principals.length === 1 && principals[0].type === "*") return "*";
    return Object.fromEntries(principals.map((p) => [p.type, oneOrMany(p.identifiers)]));
};

/**
 * The policy JSON `aws.iam.getPolicyDocument` returns for `inputs`, laid out as the AWS provider
 * writes it (Version, then each Statement with Sid, Effect, Action, Resource, Principal, Condition;
 * a one-element list as a string), so policies reading the document see what a deploy would.
 */
export function policyDocumentJson(inputs: Record<string, unknown>): string {
    const statements = (inputs.statements as StatementInput[] | undefined) ?? [];
    const document = {
        Version: (inputs.version as string | undefined) ?? "2012-10-17",
        ...(inputs.policyId ? { Id: inputs.policyId } : {}),
        Statement: statements.map((s) => {
            const conditions: Record<string, Record<string, unknown>> = {};
            for (const c of s.conditions ?? []) conditions[c.test] = { ...conditions[c.test], [c.variable]: oneOrMany(c.values) };
            return {
                ...(s.sid ? { Sid: s.sid } : {}),
                Effect: s.effect ?? "Allow",
                ...(s.actions?.length ? { Action: oneOrMany(s.actions) } : {}),
                ...(s.notActions?.length ? { NotAction: oneOrMany(s.notActions) } : {}),
                ...(s.resources?.length ? { Resource: oneOrMany(s.resources) } : {}),
                ...(s.notResources?.length ? { NotResource: oneOrMany(s.notResources) } : {}),
                ...(s.principals?.length ? { Principal: principalBlock(s.principals) } : {}),
                ...(s.notPrincipals?.length ? { NotPrincipal: principalBlock(s.notPrincipals) } : {}),
                ...(Object.keys(conditions).length ? { Condition: conditions } : {}),
            };
        }),
    };
    return JSON.stringify(document, null, 2);
}
