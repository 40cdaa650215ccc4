import { SQSClient, ReceiveMessageCommand, ChangeMessageVisibilityBatchCommand } from "@aws-sdk/client-sqs";
import { GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { AwsTarget } from "../../operations/targets/aws";
import { redrive } from "../../operations/redrive";
import type { DeadLetterRoute, StackDriver } from "../driver";
import { lastError, startFunction, type FunctionHost } from "../function-host";
import { archiveFiles, assetText, ofType, plannedRefs, stringInput, substitute, type PlannedResource } from "../plan";
import { httpApiEvent, matchRoute, plannedRoutes } from "./api-gateway";
import { awsClients, closeClients } from "./clients";
import { startErrorRecorder } from "../emulators/error-recorder";
import { bootService, startVmService, type VmService } from "../vm-service";
import { pollOnce, type SqsTrigger } from "./sqs-trigger";
import type { AwsStandUp } from "./stand-up";

/** The most delivery rounds one drain makes (a stuck loop fails instead of spinning). */
const maxRounds = 200;

/** What the AWS driver needs. */
export interface AwsDriverArgs {
    endpoint: string;
    region: string;
    resources: PlannedResource[];
    standUp: AwsStandUp;
}

/**
 * The AWS stack on moto, driven as AWS would: each planned Lambda function's bundle in its own
 * process with exactly its planned environment (references mapped to moto) and the credentials of
 * its planned role (assumed in moto, with authorization on), API Gateway v2 events for the planned
 * routes, and each planned SQS event source mapping polled with the planned batch size.
 */
export async function awsDriver(args: AwsDriverArgs): Promise<StackDriver & { stop(): Promise<void> }> {
    const { region, resources, standUp } = args;
    // The bundles reach moto through the recorder, so failures can quote moto's own error text.
    const recorder = await startErrorRecorder(args.endpoint);
    const endpoint = recorder.endpoint;
    const admin = awsClients(args.endpoint, region, standUp.admin);
    const hosts = new Map<string, FunctionHost>();
    const assume = (roleArn: string) => {
        const credentials = standUp.roles.get(roleArn);
        if (!credentials) throw new Error(`no planned role ${roleArn}`);
        return credentials;
    };
    const functions = ofType(resources, "aws:lambda/function:Function");
    const nameOf = (fn: PlannedResource) => stringInput(fn, "name") ?? fn.name;
    for (const fn of functions) {
        const role = assume(substitute(stringInput(fn, "role")!, standUp.refs));
        const planned = ((fn.inputs.environment as { variables?: Record<string, string> } | undefined)?.variables ?? {});
        const timeoutSeconds = Number(fn.inputs.timeout ?? 3);
        hosts.set(
            nameOf(fn),
            startFunction({
                name: nameOf(fn),
                // Data files shipped beside the code (the front end's routing table) name planned
                // resources too: point them at moto's, as the environment is.
                files: substituteDataFiles(await archiveFiles(fn.inputs.code), (text) => substitute(substitute(text, standUp.refs), new Map([[args.endpoint, endpoint]]))),
                handler: stringInput(fn, "handler") ?? "index.handler",
                timeoutSeconds,
                env: {
                    // moto's queue URLs point at the recorder too: the SQS client sends to the queue URL's host.
                    ...substitute(substitute(planned, standUp.refs), new Map([[args.endpoint, endpoint]])),
                    AWS_REGION: region,
                    AWS_DEFAULT_REGION: region,
                    AWS_ENDPOINT_URL: endpoint,
                    AWS_ACCESS_KEY_ID: role.accessKeyId,
                    AWS_SECRET_ACCESS_KEY: role.secretAccessKey,
                    AWS_SESSION_TOKEN: role.sessionToken ?? "",
                    AWS_LAMBDA_FUNCTION_NAME: nameOf(fn),
                    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.inputs.memorySize ?? 128),
                },
            }),
        );
    }
    // The front end's routing table (a data file in its package): spec queue -> planned queue URL per level.
    const routing = await routingTable(functions);
    const triggers: SqsTrigger[] = [];
    for (const mapping of ofType(resources, "aws:lambda/eventSourceMapping:EventSourceMapping")) {
        const target = stringInput(mapping, "functionName")!;
        const fn = functions.find((f) => [plannedRefs(f).arn, nameOf(f)].includes(target));
        const queueArn = substitute(stringInput(mapping, "eventSourceArn")!, standUp.refs);
        const queueUrl = standUp.queueUrls.get(queueArn);
        if (!fn || !queueUrl) throw new Error(`event source mapping ${mapping.name}: no planned function "${target}" or queue "${queueArn}"`);
        triggers.push({
            functionName: nameOf(fn),
            queueArn,
            queueUrl: queueUrl.replace(args.endpoint, endpoint),
            batchSize: Number(mapping.inputs.batchSize ?? 10),
            partialBatch: ((mapping.inputs.functionResponseTypes as string[] | undefined) ?? []).includes("ReportBatchItemFailures"),
            sqs: new SQSClient({ endpoint, region, credentials: assume(substitute(stringInput(fn, "role")!, standUp.refs)), maxAttempts: 1 }),
            host: hosts.get(nameOf(fn))!,
        });
    }
    const vmServices = new Map<string, VmService>();
    const routes = plannedRoutes(resources);
    const deadLetterRoutes: DeadLetterRoute[] = ofType(resources, "aws:sqs/queue:Queue").flatMap((queue) => {
        const redrivePolicy = stringInput(queue, "redrivePolicy");
        if (!redrivePolicy) return [];
        const { deadLetterTargetArn, maxReceiveCount } = JSON.parse(redrivePolicy) as { deadLetterTargetArn: string; maxReceiveCount: number };
        return [{ source: stringInput(queue, "name")!, deadLetter: deadLetterTargetArn.split(":").pop()!, maxAttempts: maxReceiveCount }];
    });
    const urlOfName = (name: string) => [...standUp.queueUrls.entries()].find(([arn]) => arn.endsWith(`:${name}`))?.[1];
    const pair = (route: DeadLetterRoute) => ({ url: urlOfName(route.source)!, deadLetterUrl: urlOfName(route.deadLetter)! });

    return {
        async request(request) {
            const url = new URL(request.path, "https://api.rehearsal.invalid");
            const matched = matchRoute(routes, request.method, url.pathname);
            // API Gateway's own answer for a path no route takes.
            if (!matched) return { status: 404, body: { message: "Not Found" } };
            const host = hosts.get(matched.route.functionName)!;
            const outcome = await host.invoke(httpApiEvent(request, matched.route.routeKey, matched.pathParameters));
            // API Gateway answers 500 when the integration fails.
            if (!outcome.ok) return { status: 500, body: { message: "Internal Server Error", error: outcome.error.split("\n")[0] } };
            const result = outcome.result as { statusCode: number; body?: string };
            let body: unknown = result.body;
            try {
                body = JSON.parse(result.body ?? "");
            } catch {
                // not JSON: kept as text
            }
            // A 5xx says "see its logs": the rehearsal shows them (the cloud's error text, e.g. AccessDenied).
            if (result.statusCode >= 500) return { status: result.statusCode, body, logs: lastError(host.logs()) };
            return { status: result.statusCode, body };
        },
        async credentials(): Promise<Record<string, string>> {
            // The key users hold is the planned secret's value, read back as users would (Secrets Manager).
            const secrets = ofType(resources, "aws:secretsmanager/secret:Secret");
            for (const secret of secrets) {
                const { SecretString } = await admin.secrets.send(new GetSecretValueCommand({ SecretId: standUp.refs.get(plannedRefs(secret).arn!) }));
                if (SecretString) return { "x-api-key": SecretString };
            }
            return {};
        },
        async drain() {
            const deliveries = new Map<string, number>();
            const errors: string[] = [];
            const seen = (body: string) => deliveries.set(body, (deliveries.get(body) ?? 0) + 1);
            for (let round = 0; round < maxRounds; round++) {
                let delivered = 0;
                for (const trigger of triggers) {
                    const outcome = await pollOnce(trigger, region, seen);
                    delivered += outcome.delivered;
                    errors.push(...outcome.errors);
                }
                if (delivered === 0) break;
            }
            return { deliveries, errors };
        },
        deadLetterRoutes: () => deadLetterRoutes,
        async waiting(queue) {
            const planned = routing?.[queue];
            if (!planned) throw new Error(`the front end's routing table plans no queue "${queue}"`);
            const levels: { level?: string; url: string }[] = planned.levels ?? [{ url: planned.url }];
            return Promise.all(
                levels.map(async ({ level, url }) => {
                    const moto = substitute(url, standUp.refs);
                    return { level, queue: moto.split("/").pop()!, bodies: await peek(admin.sqs, moto) };
                }),
            );
        },
        async deadLetters(route) {
            return peek(admin.sqs, pair(route).deadLetterUrl);
        },
        async redrive(route) {
            // The operator's own redrive (`queuestack dlq redrive`), signed by the rehearsal's administrator.
            const target = new AwsTarget({ region, queues: { [route.source]: pair(route) }, sqs: admin.sqs });
            return (await redrive(target, route.source)).moved;
        },
        async startConsumers() {
            const started = await startVmServices(resources, standUp, region, (value) => substitute(substitute(value, standUp.refs), new Map([[args.endpoint, endpoint]])), endpoint);
            started.forEach((service, name) => vmServices.set(name, service));
        },
        consumerLogs: () =>
            [...vmServices.entries()].flatMap(([name, service]) => {
                const said = service.running() ? lastError(service.logs(), true) : lastError(service.logs());
                return said ? [`VM service ${name}${service.running() ? "" : " exited"}: ${said}`] : [];
            }),
        async stop() {
            await Promise.all([...vmServices.values()].map((service) => service.stop()));
            await Promise.all([...hosts.values()].map((host) => host.stop()));
            triggers.forEach((t) => t.sqs.destroy());
            closeClients(admin);
            await recorder.stop();
        },
        emulatorErrors: () => recorder.take().map((a) => `${a.status} ${a.text}`),
    };

}

/**
 * Each planned launch template's worker service, as its user data starts it: the bundle the boot
 * script copies from S3 (the planned object), the EnvironmentFile's variables with planned
 * references mapped to moto, and the credentials of the role of the planned instance profile
 * (what the instance metadata service would hand the SDK).
 */
async function startVmServices(resources: PlannedResource[], standUp: AwsStandUp, region: string, toMoto: (value: string) => string, endpoint: string): Promise<Map<string, VmService>> {
    const services = new Map<string, VmService>();
    for (const template of ofType(resources, "aws:ec2/launchTemplate:LaunchTemplate")) {
        const userData = stringInput(template, "userData");
        if (!userData) continue;
        const service = bootService(Buffer.from(userData, "base64").toString("utf8"));
        const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(service.bundleSource) ?? [];
        const object = ofType(resources, "aws:s3/bucketObjectv2:BucketObjectv2").find((o) => stringInput(o, "key") === key);
        const bundle = object && ((await assetText(object.inputs.source)) ?? stringInput(object, "content"));
        if (!bundle) throw new Error(`launch template ${template.name}: its boot script copies ${service.bundleSource}, which no planned S3 object holds (bucket ${bucket})`);
        const profileArn = (template.inputs.iamInstanceProfile as { arn?: string } | undefined)?.arn ?? "";
        const profile = ofType(resources, "aws:iam/instanceProfile:InstanceProfile").find((p) => profileArn.endsWith(`/${stringInput(p, "name") ?? p.name}`));
        const roleName = profile && stringInput(profile, "role");
        const credentials = [...standUp.roles.entries()].find(([arn]) => roleName && arn.endsWith(`:role/${roleName}`))?.[1];
        if (!credentials) throw new Error(`launch template ${template.name}: no planned role for its instance profile ${profileArn}`);
        const environment = Object.fromEntries(Object.entries(service.environment).map(([name, value]) => [name, toMoto(value)]));
        services.set(stringInput(template, "name") ?? template.name, startVmService(bundle, environment, {
            AWS_REGION: environment.AWS_REGION ?? region,
            AWS_ENDPOINT_URL: endpoint,
            AWS_ACCESS_KEY_ID: credentials.accessKeyId,
            AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
            AWS_SESSION_TOKEN: credentials.sessionToken ?? "",
        }));
    }
    return services;
}

/** Up to 10 bodies waiting on `url`, left there (received, then made visible again). */
async function peek(sqs: SQSClient, url: string): Promise<string[]> {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 30, WaitTimeSeconds: 0 }));
    if (Messages.length > 0) {
        await sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: url, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 })) }));
    }
    return Messages.map((m) => m.Body ?? "");
}

/** A spec queue in the front end's routing table (queuestack-routes.json's QUEUESTACK_QUEUES). */
type RoutedQueue = { url: string; levels?: { level: string; url: string }[] };

/** The routing table shipped in the front end's package, or undefined without one. */
async function routingTable(functions: PlannedResource[]): Promise<Record<string, RoutedQueue> | undefined> {
    for (const fn of functions) {
        const file = (await archiveFiles(fn.inputs.code))["queuestack-routes.json"];
        if (file) return (JSON.parse(file) as { QUEUESTACK_QUEUES?: Record<string, RoutedQueue> }).QUEUESTACK_QUEUES;
    }
    return undefined;
}

/** The archive's JSON files with `rewrite` applied; code files as planned. */
function substituteDataFiles(files: Record<string, string>, rewrite: (text: string) => string): Record<string, string> {
    return Object.fromEntries(Object.entries(files).map(([name, body]) => [name, name.endsWith(".json") ? rewrite(body) : body]));
}
