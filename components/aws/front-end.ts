import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { workerEntries } from "../build/bundle";
import { type FrontEndSpec, frontEndSchema, parseSpecPart } from "../spec";
import { apiKeySecret } from "./api-key";
import { type AwsPlacement, placement } from "./context";
import { type FrontEndDelayScheduler, type FrontEndQueue, type FrontEndTopic, frontEndStatements, routesDocument, routesFileName } from "./front-end-settings";
import { nodeFunction } from "./lambda";
import { awsNames } from "./names";
import type { BucketRef, TableRef } from "./refs";

export type { FrontEndDelayScheduler, FrontEndQueue, FrontEndTopic } from "./front-end-settings";

export interface FrontEndArgs extends AwsPlacement {
    /** Front-end settings from the spec. @default {} (auth: apiKey, maxBodyKb: 256, maxWaitSeconds: 0) */
    frontEnd?: Partial<FrontEndSpec>;
    /** Queues by name: `POST /queues/{name}/messages` enqueues into them. */
    queues: Record<string, FrontEndQueue>;
    /** Fan-out topics by name: `POST /topics/{name}` publishes to them. @default {} (no route, no sns:Publish) */
    topics?: Record<string, FrontEndTopic>;
    /** Schedule group and role for delays beyond SQS's 900 s. @default undefined (no scheduler permissions) */
    delayScheduler?: FrontEndDelayScheduler;
    /** Bucket for claim-checked bodies (largeMessages.enabled). @default undefined (oversize bodies get 413) */
    largeMessages?: BucketRef;
    /** Table the front end reads job status from. */
    table: TableRef;
    /** Requests per second across the API (API Gateway throttling). @default 100 */
    rateLimitPerSecond?: number;
}

/** Seconds the front-end function may run beyond the longest wait for a result. */
const frontEndBaseTimeoutSeconds = 10;
/** API Gateway HTTP APIs wait at most 30 s for an integration. */
const apiGatewayMaxTimeoutSeconds = 30;

/** The front-end function's timeout: above maxWaitSeconds (plus time to enqueue and answer), within API Gateway's 30 s. */
export function frontEndTimeoutSeconds(maxWaitSeconds: number): number {
    return Math.min(apiGatewayMaxTimeoutSeconds, Math.max(frontEndBaseTimeoutSeconds, maxWaitSeconds + 5));
}

/**
 * The HTTP front end on AWS: an API Gateway HTTP API routing `POST /queues/{queue}/messages`,
 * `POST /topics/{topic}` and `GET /jobs/{id}` to a Lambda that checks the API key (from Secrets
 * Manager), rejects oversize or malformed bodies, routes each message (priority level, delay,
 * group and deduplication ids, correlation id), claim-checks large bodies, enqueues or publishes,
 * and answers 202 with the ids (or 200 with the result when the sender waits for it). The function
 * may only send to these queues, publish to these topics, create schedules in the delay group and
 * put objects in the claim-check bucket.
 */
export class FrontEnd extends pulumi.ComponentResource {
    readonly url: pulumi.Output<string>;
    readonly function: aws.lambda.Function;
    /** The routing table shipped beside the code as `queuestack-routes.json` (see routesDocument). */
    readonly routingTable: pulumi.Output<string>;
    /** ARN of the API key secret (undefined with `auth: none`). */
    readonly apiKeySecretArn?: pulumi.Output<string>;

    constructor(name: string, args: FrontEndArgs, opts?: pulumi.ComponentResourceOptions) {
        const settings = parseSpecPart(frontEndSchema, args.frontEnd ?? {}, `front end "${name}"`);
        super("queuestack:aws:FrontEnd", name, {}, opts);
        const { name: physical, globalName, tags, tracing } = placement(args, "front-end");
        const secret = settings.auth === "apiKey" ? apiKeySecret(name, physical(awsNames.secret, "api-key"), tags, this) : undefined;
        const topics = args.topics ?? {};
        const timeoutSeconds = frontEndTimeoutSeconds(settings.maxWaitSeconds);
        const statements = [
            ...frontEndStatements({ queues: args.queues, topics, delayScheduler: args.delayScheduler, largeMessages: args.largeMessages }),
            { sid: "ReadJobStatus", actions: ["dynamodb:GetItem"], resources: [args.table.tableArn] },
            // The "queued" note written at intake (`<id>.accepted`, workers/runtime/reply.ts recordAccepted).
            { sid: "RecordAcceptedJobs", actions: ["dynamodb:PutItem"], resources: [args.table.tableArn] },
            ...(secret ? [{ sid: "ReadApiKey", actions: ["secretsmanager:GetSecretValue"], resources: [secret.arn] }] : []),
        ];
        const routingTable = routesDocument(args.queues, topics, args.largeMessages !== undefined);
        const { fn } = nodeFunction(
            name,
            {
                functionName: physical(awsNames.lambdaFunction, "front-end"),
                roleName: globalName(this, awsNames.iamRole, "front-end"),
                entry: workerEntries.awsFrontEnd,
                statements,
                files: { [routesFileName]: routingTable },
                environment: {
                    QUEUESTACK_ROUTES_FILE: routesFileName,
                    QUEUESTACK_AUTH: settings.auth,
                    QUEUESTACK_MAX_BODY_BYTES: String(settings.maxBodyKb * 1024),
                    QUEUESTACK_TABLE_NAME: args.table.tableName,
                    ...(secret ? { QUEUESTACK_API_KEY_SECRET_ARN: secret.arn } : {}),
                    ...(settings.maxWaitSeconds > 0 ? { QUEUESTACK_MAX_WAIT_SECONDS: String(settings.maxWaitSeconds) } : {}),
                    ...(args.delayScheduler
                        ? {
                              QUEUESTACK_SCHEDULE_GROUP: args.delayScheduler.groupName,
                              QUEUESTACK_SCHEDULER_ROLE_ARN: args.delayScheduler.roleArn,
                              QUEUESTACK_SCHEDULER_DEAD_LETTER_ARN: args.delayScheduler.deadLetterArn,
                          }
                        : {}),
                    ...(args.largeMessages ? { QUEUESTACK_BLOB_BUCKET: args.largeMessages.bucketName } : {}),
                },
                timeoutSeconds,
                memoryMb: 256,
                tags,
                tracing,
            },
            this,
        );
        this.function = fn;
        this.routingTable = routingTable;
        const api = new aws.apigatewayv2.Api(`${name}-api`, { name: physical(awsNames.api, "api"), protocolType: "HTTP", tags }, { parent: this });
        const integration = new aws.apigatewayv2.Integration(
            `${name}-integration`,
            {
                apiId: api.id,
                integrationType: "AWS_PROXY",
                // Lambda proxy integrations invoke with POST whatever the route's method (an unset method shows as a diff on every refresh).
                integrationMethod: "POST",
                integrationUri: fn.invokeArn,
                payloadFormatVersion: "2.0",
                timeoutMilliseconds: timeoutSeconds * 1000,
            },
            { parent: this },
        );
        const routes = [["enqueue", "POST /queues/{queue}/messages"], ["status", "GET /jobs/{id}"], ...(Object.keys(topics).length > 0 ? [["publish", "POST /topics/{topic}"]] : [])];
        for (const [role, routeKey] of routes) {
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
