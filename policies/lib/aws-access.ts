import type { PolicyResource } from "@pulumi/policy";
import { parseJson, sqsQueuePolicyType } from "./aws";
import { asList, globMatches, ofType, type Props } from "./stack";

/** One statement of an IAM or resource policy document. */
export interface Statement {
    Sid?: string;
    Effect?: string;
    Principal?: unknown;
    Action?: string | string[];
    NotAction?: string | string[];
    Resource?: string | string[];
    NotResource?: string | string[];
    Condition?: Record<string, Record<string, unknown>>;
}

/** The statements of a policy document (a JSON string or an object); none when it is unreadable. */
export function statementsOf(document: unknown): Statement[] {
    return asList<Statement>((parseJson(document) as { Statement?: Statement | Statement[] } | undefined)?.Statement);
}

/** The AWS service principals (`sns.amazonaws.com`, ...) a statement names. */
export function servicePrincipals(statement: Statement): string[] {
    const principal = statement.Principal;
    if (typeof principal !== "object" || principal === null) return [];
    return asList((principal as { Service?: string | string[] }).Service).filter((s): s is string => typeof s === "string");
}

/** Every value a statement's conditions give the key (any operator), e.g. `aws:SourceArn`. */
export function conditionValues(statement: Statement, key: string): string[] {
    return Object.values(statement.Condition ?? {}).flatMap((operator) =>
        Object.entries(operator ?? {})
            .filter(([name]) => name.toLowerCase() === key.toLowerCase())
            .flatMap(([, values]) => asList(values as string | string[]).map(String)),
    );
}

/** The access policy documents of an SQS queue: its inline `policy` and every aws.sqs.QueuePolicy on its URL. */
export function queuePolicyDocuments(resources: readonly PolicyResource[], queue: PolicyResource): unknown[] {
    const attached = ofType(resources, sqsQueuePolicyType).filter((p) => p.props.queueUrl !== undefined && p.props.queueUrl === queue.props.url);
    return [queue.props.policy, ...attached.map((p: Props) => p.props.policy)].filter((d) => d !== undefined);
}

/** Whether a document lets `service` call `action` on `resourceArn` only for requests from `sourceArn`. */
export function allowsServiceFromSource(document: unknown, service: string, action: string, resourceArn: string, sourceArn: string): boolean {
    return statementsOf(document).some(
        (s) =>
            s.Effect === "Allow" &&
            servicePrincipals(s).includes(service) &&
            asList(s.Action).some((pattern) => globMatches(pattern, action)) &&
            asList(s.Resource).some((pattern) => globMatches(pattern, resourceArn)) &&
            conditionValues(s, "aws:SourceArn").some((pattern) => globMatches(pattern, sourceArn)),
    );
}

/** Whether a statement's principal is anyone (`"*"` or `{"AWS": "*"}`). */
function isAnyone(statement: Statement): boolean {
    const principal = statement.Principal;
    return principal === "*" || (typeof principal === "object" && principal !== null && asList((principal as { AWS?: string | string[] }).AWS).includes("*"));
}

/**
 * Whether a document lets `service` deliver: an Allow for `action` on `resourceArn` to the service
 * (or to anyone), whose `aws:SourceArn` condition, if it has one, admits `sourceArn`. Looser than
 * allowsServiceFromSource: it asks whether delivery works at all, not whether it is scoped.
 */
export function allowsDelivery(document: unknown, service: string, action: string, resourceArn: string, sourceArn: string): boolean {
    return statementsOf(document).some((s) => {
        if (s.Effect !== "Allow" || !(servicePrincipals(s).includes(service) || isAnyone(s))) return false;
        if (!asList(s.Action).some((pattern) => globMatches(pattern, action))) return false;
        if (s.Resource !== undefined && !asList(s.Resource).some((pattern) => globMatches(pattern, resourceArn))) return false;
        const sources = conditionValues(s, "aws:SourceArn");
        return sources.length === 0 || sources.some((pattern) => globMatches(pattern, sourceArn));
    });
}
