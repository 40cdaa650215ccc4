import type * as aws from "@pulumi/aws";
import type { Unwrap } from "@pulumi/pulumi";
import { resourcePolicy } from "../lib/policy";

/**
 * A Lambda permission that lets an AWS service invoke a function (SNS topics, API Gateway,
 * EventBridge rules, S3 buckets, SQS...) names the one source resource with `sourceArn`. Without
 * it, any resource of that service, in any account, may invoke the function. Pulumi's own
 * compliance policies have the same rule, as advisory (`aws-lambda-permission-configure-source-arn`);
 * here it is mandatory, like the queue-policy counterpart. Permissions for accounts or `*`
 * (function URLs) are not service grants and are left alone.
 */
export const awsLambdaPermissionRequireSourceArn = resourcePolicy<Unwrap<aws.lambda.PermissionArgs>>({
    name: "aws-lambda-permission-require-source-arn",
    description: "Lambda permissions that let an AWS service invoke a function name the source resource with sourceArn.",
    enforcementLevel: "mandatory",
    types: ["aws:lambda/permission:Permission"],
    validate: (props, { args, report }) => {
        const principal = String(props.principal ?? "");
        if (!/\.amazonaws\.com$/.test(principal)) return args.notApplicable("Not a grant to an AWS service");
        const source = typeof props.sourceArn === "string" ? props.sourceArn : "";
        if (source.replace(/[*:]/g, "") !== "" && !/^arn:aws[a-z-]*:[a-z0-9-]+:\*?:\*?:\*$/.test(source)) return;
        report(
            `Lambda permission "${args.name}" lets ${principal} invoke function ${props.function ?? "(unknown)"} from any source (sourceArn ${source ? `"${source}"` : "not set"}), so any ${principal.split(".")[0]} resource in any account may invoke it. ` +
                `Set sourceArn to the ARN of the topic, API (execution ARN/*/*), rule or bucket that invokes it.`,
        );
    },
});
