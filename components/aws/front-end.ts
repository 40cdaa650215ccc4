import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { workerEntries } from "../build/bundle";
import { type FrontEndSpec, frontEndSchema, parseSpecPart } from "../spec";
import { apiKeySecret } from "./api-key";
import { type AwsPlacement, placement } from "./context";
import type { Statement } from "./iam";
import { nodeFunction } from "./lambda";
import { awsNames } from "./names";
import type { TableRef } from "./refs";

/** A queue the front end may send to. */
export interface FrontEndQueue {
    url: pulumi.Input<string>;
    arn: pulumi.Input<string>;
    fifo: boolean;
}

export interface FrontEndArgs extends AwsPlacement {
    /** Front-end settings from the spec. @default {} (auth: apiKey, maxBodyKb: 256) */
    frontEnd?: Partial<FrontEndSpec>;
    /** Queues by name: `POST /queues/{name}/messages` enqueues into them. */
    queues: Record<string, FrontEndQueue>;
    /** Table the front end reads job status from. */
    table: TableRef;
    /** Requests per second across the API (API Gateway throttling). @default 100 */
    rateLimitPerSecond?: number;
}

/** Seconds the front-end function may run (API Gateway HTTP APIs wait at most 30 s). */
const frontEndTimeoutSeconds = 10;

/**
 * The HTTP front end on AWS: an API Gateway HTTP API routing `POST /queues/{queue}/messages` to
 * a Lambda that checks the API key (from Secrets Manager), rejects oversize or malformed bodies,
 * enqueues and answers 202 with the message ids. The function may only send to these queues.
 */
export class FrontEnd extends pulumi.ComponentResource {
    readonly url: pulumi.Output<string>;
    readonly function: aws.lambda.Function;
    /** ARN of the API key secret (undefined with `auth: none`). */
    readonly apiKeySecretArn?: pulumi.Output<string>;

    constructor(name: string, args: FrontEndArgs, opts?: pulumi.ComponentResourceOptions) {
        const settings = parseSpecPart(frontEndSchema, args.frontEnd ?? {}, `front end "${name}"`);
        super("queuestack:aws:FrontEnd", name, {}, opts);
        const { name: physical, tags } = placement(args, "front-end");
        const secret = settings.auth === "apiKey" ? apiKeySecret(name, physical(awsNames.secret, "api-key"), tags, this) : undefined;
        const statements: Statement[] = [
            { sid: "SendToOwnQueues", actions: ["sqs:SendMessage"], resources: Object.values(args.queues).map((q) => q.arn) },
            { sid: "ReadJobStatus", actions: ["dynamodb:GetItem"], resources: [args.table.tableArn] },
            ...(secret ? [{ sid: "ReadApiKey", actions: ["secretsmanager:GetSecretValue"], resources: [secret.arn] }] : []),
        ];
        const queues = pulumi.jsonStringify(
            Object.fromEntries(Object.entries(args.queues).map(([queueName, q]) => [queueName, { url: q.url, fifo: q.fifo }])),
        );
        const { fn } = nodeFunction(
            name,
            {
                functionName: physical(awsNames.lambdaFunction, "front-end"),
                entry: workerEntries.awsFrontEnd,
                statements,
                environment: {
                    QUEUESTACK_QUEUES: queues,
                    QUEUESTACK_AUTH: settings.auth,
                    QUEUESTACK_MAX_BODY_BYTES: String(settings.maxBodyKb * 1024),
                    QUEUESTACK_TABLE_NAME: args.table.tableName,
                    ...(secret ? { QUEUESTACK_API_KEY_SECRET_ARN: secret.arn } : {}),
                },
                timeoutSeconds: frontEndTimeoutSeconds,
                memoryMb: 256,
                tags,
            },
            this,
        );
        this.function = fn;
        const api = new aws.apigatewayv2.Api(`${name}-api`, { name: physical(awsNames.api, "api"), protocolType: "HTTP", tags }, { parent: this });
        const integration = new aws.apigatewayv2.Integration(
            `${name}-integration`,
            { apiId: api.id, integrationType: "AWS_PROXY", integrationUri: fn.invokeArn, payloadFormatVersion: "2.0", timeoutMilliseconds: frontEndTimeoutSeconds * 1000 },
            { parent: this },
        );
        for (const [role, routeKey] of [["enqueue", "POST /queues/{queue}/messages"], ["status", "GET /jobs/{id}"]] as const) {
            new aws.apigatewayv2.Route(`${name}-${role}-route`, { apiId: api.id, routeKey, target: pulumi.interpolate`integrations/${integration.id}` }, { parent: this });
        }
        const rate = args.rateLimitPerSecond ?? 100;
        const stage = new aws.apigatewayv2.Stage(
            `${name}-stage`,
            { apiId: api.id, name: "$default", autoDeploy: true, defaultRouteSettings: { throttlingRateLimit: rate, throttlingBurstLimit: rate * 2 }, tags },
            { parent: this },
        );
        new aws.lambda.Permission(
            `${name}-invoke`,
            { action: "lambda:InvokeFunction", function: fn.name, principal: "apigateway.amazonaws.com", sourceArn: pulumi.interpolate`${api.executionArn}/*/*` },
            { parent: this },
        );
        // The URL is usable once the stage exists, so it depends on it.
        this.url = pulumi.all([api.apiEndpoint, stage.id]).apply(([endpoint]) => `${endpoint}/`);
        this.apiKeySecretArn = secret?.arn;
        this.registerOutputs({ url: this.url, apiKeySecretArn: this.apiKeySecretArn });
    }
}
