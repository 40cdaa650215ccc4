import { sqsQueuePolicyType } from "../lib/aws";
import { sqsQueues } from "../lib/aws-stack";
import { stackPolicy } from "../lib/policy";
import { ofType, text } from "../lib/stack";

/**
 * An SQS queue has one access policy (the queue's `Policy` attribute), so two aws.sqs.QueuePolicy
 * resources on one queue, or one beside the queue's inline `policy`, overwrite each other on
 * every deploy: whichever is written last wins and the other's grants (an SNS send, a TLS-only
 * deny) silently disappear.
 */
export const awsSqsQueueRequireSingleQueuePolicy = stackPolicy({
    name: "aws-sqs-queue-require-single-queue-policy",
    description: "Each SQS queue gets its access policy from one place; a second aws.sqs.QueuePolicy overwrites the first.",
    enforcementLevel: "mandatory",
    validate: ({ args, report }) => {
        const policies = ofType(args.resources, sqsQueuePolicyType);
        if (policies.length === 0) return args.notApplicable("No aws.sqs.QueuePolicy resources");
        for (const { resource } of sqsQueues(args.resources)) {
            const url = text(resource.props.url);
            const attached = policies.filter((p) => url !== undefined && p.props.queueUrl === url);
            const sources = [...(text(resource.props.policy) || (resource.props.policy && typeof resource.props.policy === "object") ? ["its inline policy"] : []), ...attached.map((p) => `aws.sqs.QueuePolicy "${p.name}"`)];
            if (sources.length < 2) continue;
            report(
                `SQS queue "${resource.name}" gets its access policy from ${sources.length} places (${sources.join(", ")}), but a queue holds one policy, so each deploy overwrites the others and their grants are lost. ` +
                    `Merge every statement into one aws.sqs.QueuePolicy (or the queue's policy).`,
                resource.urn,
            );
        }
    },
});
