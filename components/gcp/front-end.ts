import * as cloudfunctionsv2 from "@pulumi/gcp/cloudfunctionsv2";
import * as pubsub from "@pulumi/gcp/pubsub";
import * as secretmanager from "@pulumi/gcp/secretmanager";
import * as serviceaccount from "@pulumi/gcp/serviceaccount";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { type FrontEndSpec, frontEndSchema, parseSpecPart } from "../spec";
import { cloudFunction, grantInvoker, type SecretVariable } from "./cloud-function";
import { type GcpPlacement, gcpPlacement, serviceAccountMember, childOptions } from "./context";
import { bundledGcpCode } from "./entries";
import type { FunctionBuildSettings } from "./function-build";
import { type DatabaseRef, grantDatabaseAccess, projectOf, workloadServiceAccount } from "./identity";
import { type DelayTarget, grantDelayScheduling } from "./delay-scheduler";
import { blobBucketVariable, grantBlobAccess } from "./large-messages";
import { gcpNames } from "./names";

/** A topic the front end may publish to. */
export interface FrontEndTopic {
    /** `projects/<project>/topics/<name>`. */
    topicId: pulumi.Input<string>;
    /** Topic name (where the publisher grant goes). */
    topicName: pulumi.Input<string>;
    /** Publish with ordering keys (the queue, or a fan-out topic's subscribers, are `fifo`). */
    ordered: boolean;
    /** Largest body published as is, KiB (the smallest subscriber's maxMessageKb). @default 256 */
    maxMessageKb?: number;
}

/** One priority level of a queue: where messages sent at that level are published. */
export interface FrontEndLevel {
    /** Level name (`x-priority` header / `priority` query parameter). @default none (a queue without priorities) */
    level?: string;
    /** `projects/<project>/topics/<name>` of the level. */
    topicId: pulumi.Input<string>;
    /** Topic name (where the publisher grant goes). */
    topicName: pulumi.Input<string>;
}

/** A queue the front end publishes to, with the routing rules from its spec. */
export interface FrontEndQueue {
    /** Its levels, highest first; one entry without a level for a queue without priorities. */
    levels: FrontEndLevel[];
    /** Publish with ordering keys (spec `ordering: fifo`). */
    ordered: boolean;
    /** Level of a message that names none. @default the last level (spec defaultLevelOf) */
    defaultLevel?: string;
    /** Longest delay a sender may ask for, seconds (spec maxDelaySeconds). @default 0 */
    maxDelaySeconds?: number;
    /** `body.<path>` of the group key (spec groupKey). @default the x-group-key header only */
    groupKey?: string;
    /** `body.<path>` of the deduplication id (spec deduplicationKey). @default the x-deduplication-id header only */
    deduplicationKey?: string;
    /** Largest body published as is, KiB; larger ones are claim-checked (spec maxMessageKb). @default 256 */
    maxMessageKb?: number;
}

export interface FrontEndArgs extends GcpPlacement {
    /** Front-end settings from the spec. @default {} (auth: apiKey, maxBodyKb: 256) */
    frontEnd?: Partial<FrontEndSpec>;
    /** Queues by spec name: `POST /queues/{name}/messages` publishes to them. */
    queues: Record<string, FrontEndQueue>;
    /** Fan-out topics by spec name: `POST /topics/{name}` publishes to them. @default {} */
    topics?: Record<string, FrontEndTopic>;
    /** Where delayed messages are scheduled (Cloud Tasks); needed when a queue has maxDelaySeconds. @default none */
    delay?: DelayTarget;
    /** Bucket claim-checked bodies are written to (spec largeMessages). @default none: bodies over a queue's limit get 413 */
    blobBucket?: pulumi.Input<string>;
    /** The Firestore database job status is read from (read-only access). */
    database: DatabaseRef;
    /** Bucket for the source archive. */
    sourceBucket: pulumi.Input<string>;
    /** Most function instances (requests at once). @default 100 */
    maxInstances?: number;
    /** Bundled code exporting `handler`. @default the GCP front-end adapter */
    code?: pulumi.Input<string>;
    /** How the function is built (see FunctionBuild). @default Cloud Build's default account (may lack the rights in new projects) */
    build?: FunctionBuildSettings;
}

/** Seconds one front-end request may run beyond the longest wait a sender may ask for. */
const frontEndWorkSeconds = 10;
/** Environment variable holding the API key, read from Secret Manager by the platform. */
export const apiKeyVariable = "QUEUESTACK_API_KEY";

/** A queue as the front-end handler reads it from QUEUESTACK_QUEUES (see workers/gcp/front-end.ts). */
function queueVariable(q: FrontEndQueue) {
    return {
        levels: q.levels.map((l) => ({ ...(l.level ? { level: l.level } : {}), topic: l.topicId })),
        ordered: q.ordered,
        maxDelaySeconds: q.maxDelaySeconds ?? 0,
        maxMessageKb: q.maxMessageKb ?? 256,
        ...(q.defaultLevel ? { defaultLevel: q.defaultLevel } : {}),
        ...(q.groupKey ? { groupKey: q.groupKey } : {}),
        ...(q.deduplicationKey ? { deduplicationKey: q.deduplicationKey } : {}),
    };
}

/**
 * The HTTP front end on Google Cloud: a Cloud Functions (2nd gen) HTTP function that checks the
 * `x-api-key` header against a generated key kept in Secret Manager, rejects bodies over
 * `maxBodyKb` (413), publishes to the named queue's level topic (or a fan-out topic) and answers
 * 202 with the message ids, or waits up to `maxWaitSeconds` for the result when asked. Delayed
 * messages become Cloud Tasks tasks; bodies over a queue's limit go to the claim-check bucket.
 * It runs as its own service account, which may only publish to these topics, read the key,
 * read job status, schedule delayed publishes and write claim-checked bodies. With `access: public`
 * (the default) the endpoint is public (`allUsers` invoker) because callers authenticate with the
 * API key; with `access: authenticated` only the listed `invokers` may call it, with an ID token.
 * `auth: none` drops the key.
 */
export class FrontEnd extends pulumi.ComponentResource {
    readonly function: cloudfunctionsv2.Function;
    readonly serviceAccount: serviceaccount.Account;
    readonly url: pulumi.Output<string>;
    /** Secret holding the API key (undefined with `auth: none`). */
    readonly apiKeySecretId?: pulumi.Output<string>;

    constructor(name: string, args: FrontEndArgs, opts?: pulumi.ComponentResourceOptions) {
        const settings = parseSpecPart(frontEndSchema, args.frontEnd ?? {}, `front end "${name}"`);
        super("queuestack:gcp:FrontEnd", name, {}, opts);
        const { name: physical, labels, region, tracing } = gcpPlacement(args, "front-end");
        const parent = childOptions(this, opts);
        const location = region();

        this.serviceAccount = workloadServiceAccount(`${name}-identity`, physical(gcpNames.serviceAccountId, "front-end"), "Runs the queuestack front end: publishes only", parent);
        const member = serviceAccountMember(this.serviceAccount.email);
        for (const [queueName, queue] of Object.entries(args.queues)) {
            for (const l of queue.levels) {
                const grant = l.level ? `${name}-publish-${queueName}-${l.level}` : `${name}-publish-${queueName}`;
                new pubsub.TopicIAMMember(grant, { topic: l.topicName, role: "roles/pubsub.publisher", member }, parent);
            }
        }
        for (const [topicName, topic] of Object.entries(args.topics ?? {})) {
            new pubsub.TopicIAMMember(`${name}-publish-topic-${topicName}`, { topic: topic.topicName, role: "roles/pubsub.publisher", member }, parent);
        }
        if (args.delay) grantDelayScheduling(`${name}-delay`, args.delay, member, parent);
        if (args.blobBucket) grantBlobAccess(`${name}-write-bodies`, args.blobBucket, this.serviceAccount.email, "roles/storage.objectCreator", parent);
        grantDatabaseAccess(`${name}-read-status`, this.serviceAccount.email, args.database, parent, "roles/datastore.viewer");

        const secretEnvironment: SecretVariable[] = [];
        if (settings.auth === "apiKey") {
            const key = new random.RandomPassword(`${name}-api-key`, { length: 40, special: false }, parent);
            const secret = new secretmanager.Secret(
                `${name}-api-key-secret`,
                { secretId: physical(gcpNames.secret, "api-key"), replication: { auto: {} }, labels },
                parent,
            );
            const value = new secretmanager.SecretVersion(`${name}-api-key-value`, { secret: secret.id, secretData: key.result }, parent);
            const access = new secretmanager.SecretIamMember(`${name}-read-api-key`, { secretId: secret.id, role: "roles/secretmanager.secretAccessor", member }, parent);
            // The function deploys only once the key has a value and the function may read it.
            const secretId = pulumi.all([secret.secretId, access.etag]).apply(([id]) => id);
            secretEnvironment.push({ key: apiKeyVariable, secret: secretId, projectId: secret.project, version: value.version });
            this.apiKeySecretId = secret.id;
        }

        const optional = (entries: Record<string, pulumi.Input<string> | undefined>) =>
            Object.fromEntries(Object.entries(entries).filter((entry): entry is [string, pulumi.Input<string>] => entry[1] !== undefined));
        const { fn, serviceName, url } = cloudFunction(
            name,
            {
                functionName: physical(gcpNames.cloudFunction, "front-end"),
                region: location,
                code: args.code ?? bundledGcpCode.frontEnd(),
                sourceBucket: args.sourceBucket,
                serviceAccountEmail: this.serviceAccount.email,
                environment: {
                    QUEUESTACK_QUEUES: pulumi.jsonStringify(Object.fromEntries(Object.entries(args.queues).map(([queueName, q]) => [queueName, queueVariable(q)]))),
                    QUEUESTACK_TOPICS: pulumi.jsonStringify(Object.fromEntries(Object.entries(args.topics ?? {}).map(([topicName, t]) => [topicName, { topic: t.topicId, ordered: t.ordered, maxMessageKb: t.maxMessageKb ?? 256 }]))),
                    QUEUESTACK_MAX_WAIT_SECONDS: String(settings.maxWaitSeconds),
                    ...optional({
                        QUEUESTACK_DELAY: args.delay && pulumi.jsonStringify({ queue: args.delay.queueId, serviceAccountEmail: args.delay.serviceAccountEmail }),
                        [blobBucketVariable]: args.blobBucket,
                    }),
                    QUEUESTACK_AUTH: settings.auth,
                    QUEUESTACK_MAX_BODY_BYTES: String(settings.maxBodyKb * 1024),
                    QUEUESTACK_PROJECT_ID: projectOf(args.database),
                    QUEUESTACK_FIRESTORE_DATABASE: args.database.databaseName,
                },
                secretEnvironment,
                timeoutSeconds: settings.maxWaitSeconds + frontEndWorkSeconds,
                memoryMb: 256,
                maxInstances: args.maxInstances ?? 100,
                ingress: "ALLOW_ALL",
                tracing,
                labels,
                build: args.build,
            },
            parent,
        );
        this.function = fn;
        // public: allUsers, which Domain Restricted Sharing refuses; authenticated: each listed member
        // (https://cloud.google.com/run/docs/authenticating/public). Google's other public route, turning
        // the service's invoker IAM check off, is not an input of the provider's cloudfunctionsv2.Function.
        if (settings.access === "public") grantInvoker(`${name}-public-invoker`, { serviceName }, location, "allUsers", parent);
        else settings.invokers.forEach((invoker, i) => grantInvoker(`${name}-invoker-${i}`, { serviceName }, location, invoker, parent));
        this.url = url;
        this.registerOutputs({ url: this.url, apiKeySecretId: this.apiKeySecretId });
    }
}
