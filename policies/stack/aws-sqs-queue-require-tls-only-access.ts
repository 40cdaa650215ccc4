import { queuePolicyDocuments, statementsOf } from "../lib/aws-access";
import { sqsQueues } from "../lib/aws-stack";
import { stackPolicy } from "../lib/policy";
import { asList } from "../lib/stack";

/** Whether a policy document denies every SQS action over plain HTTP (`aws:SecureTransport` false). */
function deniesInsecureTransport(document: unknown): boolean {
    return statementsOf(document).some(
        (statement) =>
            statement.Effect === "Deny" &&
            asList(statement.Action).some((action) => action === "*" || action.toLowerCase() === "sqs:*") &&
            asList(statement.Condition?.Bool?.["aws:SecureTransport"]).some((value) => String(value) === "false"),
    );
}

/**
 * Every SQS queue's access policy (inline `policy` or an `aws.sqs.QueuePolicy`) denies `sqs:*`
 * when `aws:SecureTransport` is false, so no client can send or read messages over plain HTTP.
 * (Encryption at rest is aws-sqs-queue-require-encryption-at-rest.)
 */
export const awsSqsQueueRequireTlsOnlyAccess = stackPolicy({
    name: "aws-sqs-queue-require-tls-only-access",
    description: "SQS queues refuse requests that do not use TLS.",
    enforcementLevel: "advisory",
    validate: ({ args, report }) => {
        const queues = sqsQueues(args.resources);
        if (queues.length === 0) return args.notApplicable("No SQS queues");
        for (const { resource } of queues) {
            if (queuePolicyDocuments(args.resources, resource).some(deniesInsecureTransport)) continue;
            report(
                `SQS queue "${resource.name}" accepts requests without TLS. Add an aws.sqs.QueuePolicy statement: ` +
                    `{"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "sqs:*", "Resource": <queue arn>, "Condition": {"Bool": {"aws:SecureTransport": "false"}}}.`,
                resource.urn,
            );
        }
    },
});
