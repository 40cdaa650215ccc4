import * as cloudfunctionsv2 from "@pulumi/gcp/cloudfunctionsv2";
import * as serviceaccount from "@pulumi/gcp/serviceaccount";
import * as pulumi from "@pulumi/pulumi";
import { type WorkerSpec, type WorkerSpecInput, parseSpecPart, workerSchema } from "../spec";
import { cloudFunction, grantInvoker } from "./cloud-function";
import { type GcpPlacement, gcpPlacement, projectNumber, pubsubServiceAgent, serviceAccountMember, childOptions } from "./context";
import { bundledGcpCode } from "./entries";
import { type DatabaseRef, grantDatabaseAccess, workloadServiceAccount } from "./identity";
import { gcpNames } from "./names";
import type { PushDelivery } from "./queue";
import { gcpWorkerEnvironment } from "./worker-environment";

export interface FunctionWorkerArgs extends GcpPlacement {
    /** The worker's spec (`kind: function`): memory, concurrency, timeout, idempotency. */
    worker: WorkerSpecInput | WorkerSpec;
    /** Spec name of the queue it consumes (scope of its idempotency keys). */
    queueName: string;
    /** The Firestore database for idempotency records and results. */
    database: DatabaseRef;
    /** Bucket for the source archive. */
    sourceBucket: pulumi.Input<string>;
    /** The subscription's ack deadline, which is also the push request timeout. */
    ackDeadlineSeconds: number;
    /** Function timeout, seconds (at most 540 and the ack deadline). @default worker.timeoutSeconds, else 30 */
    timeoutSeconds?: number;
    /** Days results are kept. @default 30 */
    resultTtlDays?: number;
    /** Bundled code exporting `handler`. @default the push adapter bundled with `worker.code` */
    code?: pulumi.Input<string>;
    /** Project number, for the Pub/Sub service agent. @default looked up */
    projectNumber?: pulumi.Input<string>;
}

/**
 * Function workers on Google Cloud: a Cloud Functions (2nd gen) HTTP function fed by a Pub/Sub
 * push subscription that authenticates with an OIDC token.
 *
 * Why push and not an Eventarc Pub/Sub trigger: Eventarc creates and owns its subscription, so
 * the ack deadline, retry backoff, dead-letter policy and maxDeliveryAttempts could not be set by
 * this library, and dead-lettering would not be right by construction. With push, the Queue
 * component owns the one subscription and sets all of them; `push` below plugs into it.
 *
 * The function runs as its own service account (Firestore on the stack's database only), accepts
 * internal traffic only, and only the push identity may invoke it. One message per request and
 * per instance, so `concurrency` is the most messages in work at once. A 2xx answer acks; any
 * other answer nacks, and Pub/Sub retries with backoff until maxDeliveryAttempts, then dead-letters.
 */
export class FunctionWorker extends pulumi.ComponentResource {
    readonly function: cloudfunctionsv2.Function;
    readonly serviceAccount: serviceaccount.Account;
    readonly pushServiceAccount: serviceaccount.Account;
    /** Push delivery settings for the Queue component. */
    readonly push: PushDelivery;
    readonly functionName: pulumi.Output<string>;

    constructor(name: string, args: FunctionWorkerArgs, opts?: pulumi.ComponentResourceOptions) {
        const worker = parseSpecPart(workerSchema, args.worker, `function worker "${name}"`);
        super("queuestack:gcp:FunctionWorker", name, {}, opts);
        const parent = childOptions(this, opts);
        const { name: physical, labels, region } = gcpPlacement(args, "worker");
        const location = region();
        const timeoutSeconds = args.timeoutSeconds ?? worker.timeoutSeconds ?? 30;

        this.serviceAccount = workloadServiceAccount(`${name}-identity`, physical(gcpNames.serviceAccountId, worker.name, "fn"), `Runs the queuestack function worker ${worker.name}`, parent);
        grantDatabaseAccess(`${name}-datastore-access`, this.serviceAccount.email, args.database, parent);

        const { fn, serviceName, serviceUri } = cloudFunction(
            name,
            {
                functionName: physical(gcpNames.cloudFunction, worker.name),
                region: location,
                code: args.code ?? bundledGcpCode.pushWorker(worker.code),
                sourceBucket: args.sourceBucket,
                serviceAccountEmail: this.serviceAccount.email,
                environment: gcpWorkerEnvironment({
                    worker,
                    queueName: args.queueName,
                    database: args.database,
                    timeoutSeconds,
                    ackDeadlineSeconds: args.ackDeadlineSeconds,
                    resultTtlDays: args.resultTtlDays ?? 30,
                }),
                timeoutSeconds,
                memoryMb: worker.memoryMb,
                maxInstances: worker.concurrency,
                ingress: "ALLOW_INTERNAL_ONLY",
                labels,
            },
            parent,
        );
        this.function = fn;

        this.pushServiceAccount = workloadServiceAccount(`${name}-push-identity`, physical(gcpNames.serviceAccountId, worker.name, "push"), `Pub/Sub push identity for the queuestack worker ${worker.name}`, parent);
        grantInvoker(`${name}-invoker`, { serviceName }, location, serviceAccountMember(this.pushServiceAccount.email), parent);
        // The Pub/Sub service agent mints the OIDC tokens of this one account (granted on the account only).
        new serviceaccount.IAMMember(
            `${name}-push-token-creator`,
            {
                serviceAccountId: this.pushServiceAccount.name,
                role: "roles/iam.serviceAccountTokenCreator",
                member: pubsubServiceAgent(args.projectNumber ?? projectNumber(this)),
            },
            parent,
        );

        this.push = { endpoint: serviceUri, serviceAccountEmail: this.pushServiceAccount.email, audience: serviceUri };
        this.functionName = fn.name;
        this.registerOutputs({ functionName: this.functionName, pushEndpoint: serviceUri, pushServiceAccountEmail: this.pushServiceAccount.email });
    }
}
