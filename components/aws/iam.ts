import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** One IAM policy statement; resources are always explicit ARNs (never "*"). */
export interface Statement {
    sid?: string;
    effect?: "Allow" | "Deny";
    actions: string[];
    resources: pulumi.Input<string>[];
    principals?: Record<string, string | string[]>;
    /** Condition block, e.g. `{ ArnEquals: { "aws:SourceArn": [topicArn] } }`; values may be outputs. */
    condition?: Record<string, Record<string, pulumi.Input<string> | pulumi.Input<string>[]>>;
}

/** A resource policy statement refusing every `<service>:*` request made over plain HTTP (TLS only). */
export function denyInsecureTransport(service: "s3" | "sqs", resources: pulumi.Input<string>[]): Statement {
    return { sid: "DenyInsecureTransport", effect: "Deny", principals: { AWS: "*" }, actions: [`${service}:*`], resources, condition: { Bool: { "aws:SecureTransport": "false" } } };
}

/** Renders statements as an IAM policy JSON document. */
export function policyDocument(statements: Statement[]): pulumi.Output<string> {
    const conditions = pulumi.output(statements.map((s) => s.condition ?? null));
    return pulumi.all([pulumi.all(statements.map((s) => pulumi.all(s.resources))), conditions]).apply(([resolved, resolvedConditions]) =>
        JSON.stringify({
            Version: "2012-10-17",
            Statement: statements.map((s, i) => ({
                ...(s.sid ? { Sid: s.sid } : {}),
                Effect: s.effect ?? "Allow",
                ...(s.principals ? { Principal: s.principals } : {}),
                Action: s.actions,
                Resource: resolved[i].length === 1 ? resolved[i][0] : resolved[i],
                ...(resolvedConditions[i] ? { Condition: resolvedConditions[i] } : {}),
            })),
        }),
    );
}

/**
 * Trust policy letting one AWS service (e.g. lambda.amazonaws.com) assume a role, optionally only
 * under `condition` (e.g. `{ StringEquals: { "aws:SourceAccount": accountId } }` against confused deputies).
 */
export function assumeRolePolicy(service: string): string;
export function assumeRolePolicy(service: string, condition: Statement["condition"]): pulumi.Output<string>;
export function assumeRolePolicy(service: string, condition?: Statement["condition"]): string | pulumi.Output<string> {
    const statement = { Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" };
    if (!condition) return JSON.stringify({ Version: "2012-10-17", Statement: [statement] });
    return pulumi.jsonStringify({ Version: "2012-10-17", Statement: [{ ...statement, Condition: condition }] });
}

/** Queue actions a consumer needs on its own queue, and nothing more. */
export const consumeActions = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"];
/** Item actions the idempotency guard and result store need on their own table. */
export const tableActions = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"];
/** Actions to write a function's logs into its own log group. */
export const logActions = ["logs:CreateLogStream", "logs:PutLogEvents"];

/** Log-group ARN pattern covering the group's streams. */
export const logStreamsArn = (logGroupArn: pulumi.Input<string>) => pulumi.interpolate`${logGroupArn}:*`;

export interface RoleArgs {
    /** Physical role name (account-global: build it with `placement().globalName`). */
    name: pulumi.Input<string>;
    /** Service that assumes the role, e.g. lambda.amazonaws.com or ec2.amazonaws.com. */
    service: string;
    /** The only permissions the role has (inline policy). */
    statements: Statement[];
    /** Condition on the service assuming the role. @default none */
    trustCondition?: Statement["condition"];
    tags: Record<string, string>;
}

/** A role with exactly `statements` as its permissions (no managed policies with wildcards). */
export function leastPrivilegeRole(name: string, args: RoleArgs, opts: pulumi.CustomResourceOptions) {
    const trust = args.trustCondition ? assumeRolePolicy(args.service, args.trustCondition) : assumeRolePolicy(args.service);
    const role = new aws.iam.Role(name, { name: args.name, assumeRolePolicy: trust, tags: args.tags }, opts);
    const policy = new aws.iam.RolePolicy(`${name}-policy`, { role: role.id, policy: policyDocument(args.statements) }, opts);
    return { role, policy };
}
