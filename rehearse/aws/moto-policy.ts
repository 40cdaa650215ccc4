/**
 * Services whose requests moto authorizes against the statement's Resource (moto 5: SQS computes
 * the queue ARN; other services authorize against "*", so a statement naming a resource ARN never
 * matches there). See moto/core/responses.py `_determine_resource`.
 */
const resourceAwareServices = new Set(["sqs"]);

/**
 * SQS batch actions AWS authorizes with the single action's permission ("permissions for
 * SendMessageBatch, DeleteMessageBatch and ChangeMessageVisibilityBatch are the same as for the
 * single action": https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-api-permissions-reference.html);
 * moto checks the batch action's own name, so the policy gets it beside the single one.
 */
const batchActions: Record<string, string> = {
    "sqs:sendmessage": "sqs:SendMessageBatch",
    "sqs:deletemessage": "sqs:DeleteMessageBatch",
    "sqs:changemessagevisibility": "sqs:ChangeMessageVisibilityBatch",
};

interface Statement {
    Effect: string;
    Action?: string | string[];
    Resource?: string | string[];
    [key: string]: unknown;
}

/**
 * The policy as moto can evaluate it: statements whose actions are all on services moto authorizes
 * without a resource get `Resource: "*"`, so their actions are still enforced (a missing action is
 * denied) while the resource scoping is left to AWS. Returns one line per service so widened.
 */
export function motoPolicy(document: string): { document: string; widened: string[] } {
    const policy = JSON.parse(document) as { Statement: Statement | Statement[] };
    const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
    const widened = new Set<string>();
    for (const statement of statements) {
        const actions = [statement.Action ?? []].flat();
        const batches = actions.flatMap((action) => batchActions[action.toLowerCase()] ?? []);
        if (batches.length) statement.Action = [...actions, ...batches];
        const services = new Set(actions.map((action) => action.split(":")[0]!.toLowerCase()));
        if (statement.Resource === undefined || [...services].some((service) => resourceAwareServices.has(service))) continue;
        statement.Resource = "*";
        services.forEach((service) => widened.add(service));
    }
    return {
        document: JSON.stringify({ ...policy, Statement: statements }),
        widened: [...widened].map((service) => `moto checks ${service} actions but not their resources (AWS scopes them to the planned ARNs)`),
    };
}
