import type * as aws from "@pulumi/aws";
import type { Unwrap } from "@pulumi/pulumi";
import { resourcePolicy } from "../lib/policy";
import { endedRuntime, endedRuntimeMessage, nodeMajorOf } from "../lib/runtimes";

/**
 * Lambda functions run on a Node.js runtime that is still supported, per the dated table in
 * components/runtimes.ts (Lambda's deprecation dates). Past deprecation Lambda blocks creating,
 * then updating, functions on it (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html).
 * Other languages and container images are not judged.
 */
export const awsLambdaFunctionRequireSupportedRuntime = resourcePolicy<Unwrap<aws.lambda.FunctionArgs>>({
    name: "aws-lambda-function-require-supported-runtime",
    description: "Lambda functions run on a Node.js runtime Lambda still supports (deploys on deprecated runtimes are blocked).",
    enforcementLevel: "mandatory",
    types: ["aws:lambda/function:Function"],
    validate: (props, { args, report }) => {
        const runtime = typeof props.runtime === "string" ? props.runtime : undefined;
        if (!runtime?.startsWith("nodejs")) return args.notApplicable("Not a Node.js runtime");
        const why = endedRuntime("aws-lambda", runtime, nodeMajorOf(runtime), new Date());
        if (why) report(endedRuntimeMessage("aws-lambda", `Lambda function "${args.name}"`, "runtime", runtime, why, (newest) => `Set runtime: "${newest}".`));
    },
});
