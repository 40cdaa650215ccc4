import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { bundleWorker } from "../build/bundle";
import { deployedRuntimes } from "../runtimes";
import { type Statement, leastPrivilegeRole, logActions, logStreamsArn } from "./iam";
import type { TracingSpec } from "../spec";
import { tracingEnvironment } from "../tracing-environment";

/** Lambda runtime for every queuestack function, from the dated runtime table (components/runtimes.ts). */
export const lambdaRuntime = deployedRuntimes.awsLambda.id;
/** Days function logs are kept. */
export const logRetentionDays = 30;

export interface NodeFunctionArgs {
    /** Physical function name (also names its log group). */
    functionName: string;
    /** Physical name of its role (account-global, so it carries the region). */
    roleName: pulumi.Input<string>;
    /** Adapter entry file to bundle (from workerEntries). */
    entry: string;
    /** The user's handler module, resolved as `queuestack:handler` inside the adapter. */
    handlerModule?: string;
    /** What the function may do besides writing its own logs. */
    statements: Statement[];
    environment: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** Further files of the deployment package beside `index.js`, by name (e.g. a routing table). @default none */
    files?: Record<string, pulumi.Input<string>>;
    timeoutSeconds: number;
    memoryMb: number;
    tags: Record<string, string>;
    /** Trace export (spec tracing): when enabled, X-Ray active tracing, the collector layer, its permissions and the OTEL_* variables. @default off */
    tracing?: TracingSpec;
}

/** The collector of the ADOT Lambda layer listens here (OTLP/HTTP) and forwards to X-Ray. */
export const lambdaCollectorEndpoint = "http://localhost:4318";

/**
 * What X-Ray needs of a function's role with active tracing (the AWSXrayWriteOnlyAccess actions the
 * Lambda service and the ADOT collector call). X-Ray has no resource-level permissions, hence "*"
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsx-ray.html;
 * https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html#services-xray-permissions).
 */
export const xrayStatement: Statement = { sid: "WriteTraces", actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], resources: ["*"] };

/** The bundled code, and any further files, as a Lambda deployment archive. */
function codeArchive(entry: string, handlerModule?: string, files: Record<string, pulumi.Input<string>> = {}): pulumi.Output<pulumi.asset.AssetArchive> {
    return pulumi.all([bundleWorker({ entry, handlerModule }), pulumi.all(files)]).apply(
        ([code, extra]) =>
            new pulumi.asset.AssetArchive({
                "index.js": new pulumi.asset.StringAsset(code),
                ...Object.fromEntries(Object.entries(extra).map(([file, text]) => [file, new pulumi.asset.StringAsset(text)])),
            }),
    );
}

/**
 * A Node.js Lambda function with its own log group and a role that can write only that log group
 * plus `statements`. Created under `parent`; resource names start with `name`.
 */
export function nodeFunction(name: string, args: NodeFunctionArgs, parent: pulumi.Resource) {
    const opts = { parent };
    const traced = args.tracing?.enabled === true;
    const otel = tracingEnvironment(args.tracing, args.functionName, lambdaCollectorEndpoint);
    const logGroup = new aws.cloudwatch.LogGroup(
        `${name}-logs`,
        { name: `/aws/lambda/${args.functionName}`, retentionInDays: logRetentionDays, tags: args.tags },
        opts,
    );
    const { role, policy } = leastPrivilegeRole(
        `${name}-role`,
        {
            name: args.roleName,
            service: "lambda.amazonaws.com",
            statements: [{ sid: "OwnLogs", actions: logActions, resources: [logStreamsArn(logGroup.arn)] }, ...args.statements, ...(traced ? [xrayStatement] : [])],
            tags: args.tags,
        },
        opts,
    );
    const fn = new aws.lambda.Function(
        `${name}-function`,
        {
            name: args.functionName,
            runtime: lambdaRuntime,
            handler: "index.handler",
            code: codeArchive(args.entry, args.handlerModule, args.files),
            role: role.arn,
            timeout: args.timeoutSeconds,
            memorySize: args.memoryMb,
            environment: { variables: traced ? pulumi.output(args.environment).apply((variables) => ({ ...variables, ...otel })) : args.environment },
            ...(traced ? { tracingConfig: { mode: "Active" } } : {}),
            ...(traced && args.tracing?.awsLambdaLayerArn ? { layers: [args.tracing.awsLambdaLayerArn] } : {}),
            loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
            tags: args.tags,
        },
        { parent, dependsOn: [logGroup, policy] },
    );
    return { fn, role, logGroup };
}
