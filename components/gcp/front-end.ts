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
import { type DatabaseRef, grantDatabaseAccess, projectOf, workloadServiceAccount } from "./identity";
import { gcpNames } from "./names";

/** A queue the front end may publish to. */
export interface FrontEndTopic {
    /** `projects/<project>/topics/<name>`. */
    topicId: pulumi.Input<string>;
    /** Topic name (where the publisher grant goes). */
    topicName: pulumi.Input<string>;
    /** Publish with ordering keys (the queue is `fifo`). */
    ordered: boolean;
}

export interface FrontEndArgs extends GcpPlacement {
    /** Front-end settings from the spec. @default {} (auth: apiKey, maxBodyKb: 256) */
    frontEnd?: Partial<FrontEndSpec>;
    /** Queues by spec name: `POST /queues/{name}/messages` publishes to them. */
    topics: Record<string, FrontEndTopic>;
    /** The Firestore database job status is read from (read-only access). */
    database: DatabaseRef;
    /** Bucket for the source archive. */
    sourceBucket: pulumi.Input<string>;
    /** Most function instances (requests at once). @default 100 */
    maxInstances?: number;
    /** Bundled code exporting `handler`. @default the GCP front-end adapter */
    code?: pulumi.Input<string>;
}

/** Seconds one front-end request may run. */
const frontEndTimeoutSeconds = 10;
/** Environment variable holding the API key, read from Secret Manager by the platform. */
export const apiKeyVariable = "QUEUESTACK_API_KEY";

/**
 * The HTTP front end on Google Cloud: a Cloud Functions (2nd gen) HTTP function that checks the
 * `x-api-key` header against a generated key kept in Secret Manager, rejects bodies over
 * `maxBodyKb` (413), publishes to the named queue's topic and answers 202 with the message ids.
 * It runs as its own service account, which may only publish to these topics, read the key and
 * read job status. The endpoint is public (`allUsers` invoker) because callers authenticate with
 * the API key; `auth: none` drops the key.
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
        const { name: physical, labels, region } = gcpPlacement(args, "front-end");
        const parent = childOptions(this, opts);
        const location = region();

        this.serviceAccount = workloadServiceAccount(`${name}-identity`, physical(gcpNames.serviceAccountId, "front-end"), "Runs the queuestack front end: publishes only", parent);
        const member = serviceAccountMember(this.serviceAccount.email);
        for (const [queueName, topic] of Object.entries(args.topics)) {
            new pubsub.TopicIAMMember(`${name}-publish-${queueName}`, { topic: topic.topicName, role: "roles/pubsub.publisher", member }, parent);
        }
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

        const queues = pulumi.jsonStringify(
            Object.fromEntries(Object.entries(args.topics).map(([queueName, t]) => [queueName, { topic: t.topicId, ordered: t.ordered }])),
        );
        const { fn, serviceName, url } = cloudFunction(
            name,
            {
                functionName: physical(gcpNames.cloudFunction, "front-end"),
                region: location,
                code: args.code ?? bundledGcpCode.frontEnd(),
                sourceBucket: args.sourceBucket,
                serviceAccountEmail: this.serviceAccount.email,
                environment: {
                    QUEUESTACK_QUEUES: queues,
                    QUEUESTACK_AUTH: settings.auth,
                    QUEUESTACK_MAX_BODY_BYTES: String(settings.maxBodyKb * 1024),
                    QUEUESTACK_PROJECT_ID: projectOf(args.database),
                    QUEUESTACK_FIRESTORE_DATABASE: args.database.databaseName,
                },
                secretEnvironment,
                timeoutSeconds: frontEndTimeoutSeconds,
                memoryMb: 256,
                maxInstances: args.maxInstances ?? 100,
                ingress: "ALLOW_ALL",
                labels,
            },
            parent,
        );
        this.function = fn;
        grantInvoker(`${name}-public-invoker`, { serviceName }, location, "allUsers", parent);
        this.url = url;
        this.registerOutputs({ url: this.url, apiKeySecretId: this.apiKeySecretId });
    }
}
