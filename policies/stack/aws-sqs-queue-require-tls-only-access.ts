import { parseJson } from "../lib/aws";
import { sqsQueues } from "../lib/aws-stack";
import { stackPolicy } from "../lib/policy";
import { asList, ofType, type Props } from "../lib/stack";

/** Whether a policy document denies every SQS action over plain HTTP (`aws:SecureTransport` false). */
function deniesInsecureTransport(document: unknown): boolean {
    return asList<Props>((document as Props | undefined)?.Statement).some((statement) => {
        const secure = statement.Condition?.Bool?.["aws:SecureTransport"];
        return statement.Effect === "Deny" &&
            asList<string>(statement.Action).some((action) => action === "*" || action.toLowerCase() === "sqs:*") &&
            asList(secure).some((value) => String(value) === "false");
    });
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
        const queuePolicies = ofType(args.resources, "aws:sqs/queuePolicy:QueuePolicy");
        for (const { resource } of queues) {
            const documents = [resource.props.policy, ...queuePolicies.filter((p) => p.props.queueUrl !== undefined && p.props.queueUrl === resource.props.url).map((p) => p.props.policy)];
            if (documents.some((document) => deniesInsecureTransport(parseJson(document)))) continue;
            report(
                `SQS queue "${resource.name}" accepts requests without TLS. Add an aws.sqs.QueuePolicy statement: ` +
                    `{"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "sqs:*", "Resource": <queue arn>, "Condition": {"Bool": {"aws:SecureTransport": "false"}}}.`,
                resource.urn,
            );
        }
    },
});
