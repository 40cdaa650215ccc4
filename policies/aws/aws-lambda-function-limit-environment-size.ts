import type * as aws from "@pulumi/aws";
import type { Unwrap } from "@pulumi/pulumi";
import { resourcePolicy } from "../lib/policy";

/** Lambda's limit on a function's environment variables, bytes (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html). */
export const lambdaEnvironmentLimitBytes = 4096;

/**
 * A Lambda function's environment variables fit Lambda's 4 KB limit; above it CreateFunction and
 * UpdateFunctionConfiguration fail. Lambda does not publish how it counts, so the policy counts
 * the least it could be (the UTF-8 bytes of every name and value) and reports only a certain
 * failure. Large values belong in SSM Parameter Store or Secrets Manager.
 */
export const awsLambdaFunctionLimitEnvironmentSize = resourcePolicy<Unwrap<aws.lambda.FunctionArgs>>({
    name: "aws-lambda-function-limit-environment-size",
    description: "Lambda environment variables fit Lambda's 4 KB limit (larger ones fail the deploy).",
    enforcementLevel: "mandatory",
    types: ["aws:lambda/function:Function"],
    validate: (props, { args, report }) => {
        const variables = Object.entries(props.environment?.variables ?? {});
        if (variables.length === 0) return args.notApplicable("No environment variables");
        const bytes = variables.reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(String(value ?? "")), 0);
        if (bytes <= lambdaEnvironmentLimitBytes) return;
        const largest = variables.map(([name, value]) => ({ name, bytes: Buffer.byteLength(String(value ?? "")) })).sort((a, b) => b.bytes - a.bytes)[0];
        report(
            `Lambda function "${args.name}" has ${bytes} bytes of environment variables (names and values), over Lambda's ${lambdaEnvironmentLimitBytes}-byte limit, so deploying it fails. ` +
                `Move large values (the largest: ${largest.name}, ${largest.bytes} bytes) to SSM Parameter Store or Secrets Manager and read them at start-up.`,
        );
    },
});
