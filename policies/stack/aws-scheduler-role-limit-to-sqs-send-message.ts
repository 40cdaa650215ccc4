import type { PolicyResource } from "@pulumi/policy";
import { type Statement, servicePrincipals, statementsOf } from "../lib/aws-access";
import { documentsOf } from "../lib/aws-iam";
import { stackPolicy } from "../lib/policy";
import { asList, ofType } from "../lib/stack";

const schedulerService = "scheduler.amazonaws.com";
const sendMessage = "sqs:SendMessage";
/** Actions the role may hold: sending, and the KMS calls sending to a queue with a customer managed key needs. */
const allowedActions = [sendMessage, "kms:GenerateDataKey", "kms:Decrypt"].map((a) => a.toLowerCase());

/** Roles EventBridge Scheduler may assume (their trust policy names scheduler.amazonaws.com). */
function schedulerRoles(resources: readonly PolicyResource[]): PolicyResource[] {
    return ofType(resources, "aws:iam/role:Role").filter((role) =>
        statementsOf(role.props.assumeRolePolicy).some((s) => s.Effect === "Allow" && servicePrincipals(s).includes(schedulerService)),
    );
}

/** What an Allow statement grants beyond sqs:SendMessage (and its KMS calls) on named resources; empty when nothing. */
function excess(statement: Statement): string[] {
    if (statement.Effect !== "Allow") return [];
    const problems: string[] = [];
    if (statement.NotAction !== undefined) problems.push("NotAction (every other action)");
    if (statement.NotResource !== undefined) problems.push("NotResource (every other resource)");
    for (const action of asList(statement.Action)) if (!allowedActions.includes(action.toLowerCase())) problems.push(`action ${action}`);
    for (const resource of asList(statement.Resource)) if (resource.includes("*") || !resource.startsWith("arn:")) problems.push(`resource ${resource}`);
    return problems;
}

/**
 * The role EventBridge Scheduler assumes to deliver delayed messages may only `sqs:SendMessage`
 * to named queues: the front end can pass it to any schedule it creates, so anything more (another
 * action, a wildcard, an AWS managed policy) is reachable by whoever can create schedules.
 */
export const awsSchedulerRoleLimitToSqsSendMessage = stackPolicy({
    name: "aws-scheduler-role-limit-to-sqs-send-message",
    description: "IAM roles that EventBridge Scheduler assumes may only send messages to named SQS queues, with no wildcards.",
    enforcementLevel: "mandatory",
    validate: ({ args, report }) => {
        const roles = schedulerRoles(args.resources);
        if (roles.length === 0) return args.notApplicable("No role trusts EventBridge Scheduler");
        for (const role of roles) {
            const { documents, managedArns } = documentsOf(args.resources, role);
            const inStack = new Set(ofType(args.resources, "aws:iam/policy:Policy").map((p) => p.props.arn));
            const problems = [
                ...managedArns.filter((arn) => !inStack.has(arn)).map((arn) => `managed policy ${arn}`),
                ...documents.flatMap((document) => statementsOf(document).flatMap(excess)),
            ];
            if (problems.length === 0) continue;
            report(
                `IAM role "${role.name}" (assumed by EventBridge Scheduler) allows more than ${sendMessage} on named queues: ${[...new Set(problems)].join("; ")}. ` +
                    `Grant only {"Effect": "Allow", "Action": "${sendMessage}", "Resource": [<queue ARNs>]} (plus kms:GenerateDataKey and kms:Decrypt on the queue's key ARN if it uses a customer managed key).`,
                role.urn,
            );
        }
    },
});
