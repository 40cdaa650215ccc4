import type { PolicyResource } from "@pulumi/policy";
import { parseJson } from "./aws";
import { statementsOf } from "./aws-access";
import { asList, globMatches, ofType, text } from "./stack";

/** AWS-managed policies that allow every DynamoDB action on every table. */
const dynamodbFullAccessPolicies = ["arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess", "arn:aws:iam::aws:policy/AdministratorAccess"];

/** The IAM role a Lambda function runs as (its `role` is the role's ARN). */
export function roleOfFunction(resources: readonly PolicyResource[], fn: PolicyResource): PolicyResource | undefined {
    return ofType(resources, "aws:iam/role:Role").find((role) => role.props.arn === fn.props.role);
}

/** The IAM role behind an Auto Scaling group: launch template -> instance profile -> role. */
export function roleOfAutoScalingGroup(resources: readonly PolicyResource[], group: PolicyResource): PolicyResource | undefined {
    const spec = group.props.launchTemplate ?? group.props.mixedInstancesPolicy?.launchTemplate?.launchTemplateSpecification;
    if (!spec) return undefined;
    const template = ofType(resources, "aws:ec2/launchTemplate:LaunchTemplate").find(
        (t) => (spec.id !== undefined && t.props.id === spec.id) || (spec.name !== undefined && t.props.name === spec.name),
    );
    const profileRef = template?.props.iamInstanceProfile;
    if (!profileRef) return undefined;
    const profile = ofType(resources, "aws:iam/instanceProfile:InstanceProfile").find(
        (p) => (profileRef.arn !== undefined && p.props.arn === profileRef.arn) || (profileRef.name !== undefined && p.props.name === profileRef.name),
    );
    return profile ? roleNamed(resources, profile.props.role) : undefined;
}

/** A role by name, id or ARN. */
function roleNamed(resources: readonly PolicyResource[], reference: unknown): PolicyResource | undefined {
    return ofType(resources, "aws:iam/role:Role").find((role) => refersToRole(role, reference));
}

function refersToRole(role: PolicyResource, reference: unknown): boolean {
    return reference !== undefined && [role.props.name, role.props.id, role.props.arn].includes(reference);
}

/** Every policy document attached to a role: inline policies, RolePolicy resources and attached customer policies. */
export function documentsOf(resources: readonly PolicyResource[], role: PolicyResource): { documents: unknown[]; managedArns: string[] } {
    const documents: unknown[] = asList(role.props.inlinePolicies).map((p: { policy?: string }) => parseJson(p.policy));
    for (const rolePolicy of ofType(resources, "aws:iam/rolePolicy:RolePolicy")) {
        if (refersToRole(role, rolePolicy.props.role)) documents.push(parseJson(rolePolicy.props.policy));
    }
    const managedArns: string[] = [...asList<string>(role.props.managedPolicyArns)];
    for (const attachment of ofType(resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")) {
        if (refersToRole(role, attachment.props.role) && text(attachment.props.policyArn)) managedArns.push(attachment.props.policyArn);
    }
    for (const policy of ofType(resources, "aws:iam/policy:Policy")) {
        if (managedArns.includes(policy.props.arn)) documents.push(parseJson(policy.props.policy));
    }
    return { documents, managedArns };
}

/** Whether the role has an Allow statement for `action` on `resourceArn`. */
export function roleAllows(resources: readonly PolicyResource[], role: PolicyResource, action: string, resourceArn: string): boolean {
    const { documents, managedArns } = documentsOf(resources, role);
    if (managedArns.some((arn) => dynamodbFullAccessPolicies.includes(arn)) && action.startsWith("dynamodb:")) return true;
    return documents.some((document) =>
        statementsOf(document).some(
            (statement) =>
                statement.Effect === "Allow" &&
                asList(statement.Action).some((pattern) => globMatches(pattern, action)) &&
                asList(statement.Resource).some((pattern) => globMatches(pattern, resourceArn)),
        ),
    );
}
