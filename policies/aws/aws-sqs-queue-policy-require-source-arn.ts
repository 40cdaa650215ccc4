import type * as aws from "@pulumi/aws";
import type { Unwrap } from "@pulumi/pulumi";
import { sqsQueuePolicyType, sqsQueueType } from "../lib/aws";
import { conditionValues, servicePrincipals, statementsOf } from "../lib/aws-access";
import { resourcePolicy } from "../lib/policy";

type Props = Unwrap<aws.sqs.QueuePolicyArgs> | Unwrap<aws.sqs.QueueArgs>;

/**
 * A queue policy that lets an AWS service send (SNS for fan-out, EventBridge, S3 events) names the
 * one resource it may send for, with an `aws:SourceArn` condition. Without it, any SNS topic in any
 * account can deliver into the queue (the confused-deputy problem).
 */
export const awsSqsQueuePolicyRequireSourceArn = resourcePolicy<Props>({
    name: "aws-sqs-queue-policy-require-source-arn",
    description: "SQS queue policies that allow an AWS service (such as SNS) to send are scoped to the sending resource with aws:SourceArn.",
    enforcementLevel: "mandatory",
    types: [sqsQueuePolicyType, sqsQueueType],
    validate: (props, { args, report }) => {
        const statements = statementsOf(props.policy).filter((s) => s.Effect === "Allow" && servicePrincipals(s).length > 0);
        if (statements.length === 0) return args.notApplicable("No statement allows an AWS service");
        for (const statement of statements) {
            const sources = conditionValues(statement, "aws:SourceArn");
            if (sources.length > 0 && sources.every((arn) => arn.replace(/\*/g, "") !== "" && !/:\*$/.test(arn))) continue;
            const which = statement.Sid ? `statement "${statement.Sid}"` : "a statement";
            const services = servicePrincipals(statement).join(", ");
            report(
                `SQS queue policy "${args.name}" lets ${services} send from any source (${which} has ${sources.length ? `aws:SourceArn ${sources.join(", ")}` : "no aws:SourceArn condition"}). ` +
                    `Add "Condition": {"ArnEquals": {"aws:SourceArn": <the topic or rule ARN>}} to it.`,
            );
        }
    },
});
