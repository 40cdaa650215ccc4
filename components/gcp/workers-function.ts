import * as cloudfunctionsv2 from "@pulumi/gcp/cloudfunctionsv2";
import * as serviceaccount from "@pulumi/gcp/serviceaccount";
import * as pulumi from "@pulumi/pulumi";
import { type WorkerSpec, type WorkerSpecInput, parseSpecPart, workerSchema } from "../spec";
import { cloudFunction, grantInvoker } from "./cloud-function";
import { type GcpPlacement, gcpPlacement, serviceAccountMember, childOptions } from "./context";
import { type ServiceAgent, agentMember } from "./service-agents";
import { bundledGcpCode } from "./entries";
import type { FunctionBuildSettings } from "./function-build";
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
    /** Longest one message may run, seconds (at most the ack deadline). @default worker.timeoutSeconds, else 30 */
    timeoutSeconds?: number;
    /**
     * Push requests each instance accepts for its one running message: a burst of up to
     * `pushHeadroom` x concurrency deliveries waits inside the instances (a waiting delivery is no
     * delivery attempt) instead of being refused with 429, which Pub/Sub counts as a failed
     * attempt and which would dead-letter messages that never ran. A delivery waits at most the
     * ack deadline minus the message timeout minus 5 s; then it is answered 429. 1 turns it off.
     * Above 1 the function's request timeout becomes the ack deadline (wait plus run), which the
     * policy gcp-pubsub-subscription-require-ack-deadline-above-worker-timeout reads as the attempt
     * length; until that policy reads the message timeout instead, this is opt-in.
     * @default 1 (maps to `maxInstanceRequestConcurrency`; the instance runs one message at a time either way)
     */
    pushHeadroom?: number;
    /** Days results are kept. @default 30 */
    resultTtlDays?: number;
    /** Bundled code exporting `handler`. @default the push adapter bundled with `worker.code` */
    code?: pulumi.Input<string>;
    /** The Pub/Sub service agent (see serviceAgent). @default provisioned by this component with a ServiceIdentity */
    pubsubAgent?: ServiceAgent;
    /**
     * One function per priority level, each with its own push subscription and most instances
     * (with one message per instance, the level's concurrency; see levelShares). The functions
     * share the two identities. @default one function with `worker.concurrency` instances
     */
    levels?: FunctionLevel[];
    /** Extra environment variables (e.g. where claim-checked bodies are). @default {} */
    environment?: Record<string, pulumi.Input<string>>;
    /** How the function is built (see FunctionBuild). @default Cloud Build's default account (may lack the rights in new projects) */
    build?: FunctionBuildSettings;
}

/** Push requests an instance accepts per running message, by default (see FunctionWorkerArgs.pushHeadroom). */
export const defaultPushHeadroom = 1;
/** Seconds kept between a delivery's slot wait plus its run and the ack deadline. */
const pushWaitMarginSeconds = 5;

/** The function of one priority level. */
export interface FunctionLevel {
    /** Level name: the function is `<worker>-<level>`. */
    name: string;
    /** Most instances of this level's function, i.e. its messages in work at once. */
    maxInstances: number;
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
 * one running per instance, so `concurrency` is the most messages in work at once; with
 * `pushHeadroom` each instance accepts that many requests, the rest waiting for its slot, so bursts
 * are not refused. With priority levels there is
 * one function per level, each fed by its level's push subscription, and `concurrency` is split
 * across them by weight (`levels`): a busy high level never takes a low level's instances, so no
 * level starves and no promotion is needed. A 2xx answer acks; any
 * other answer nacks, and Pub/Sub retries with backoff until maxDeliveryAttempts, then dead-letters.
 */
export class FunctionWorker extends pulumi.ComponentResource {
    /** The functions, one per level (one without levels). */
    readonly functions: cloudfunctionsv2.Function[];
    readonly serviceAccount: serviceaccount.Account;
    readonly pushServiceAccount: serviceaccount.Account;
    /** Push delivery settings for the Queue components, one per level in `levels` order. */
    readonly pushes: PushDelivery[];
    /** Function names, one per level. */
    readonly functionNames: pulumi.Output<string>[];

    constructor(name: string, args: FunctionWorkerArgs, opts?: pulumi.ComponentResourceOptions) {
        const worker = parseSpecPart(workerSchema, args.worker, `function worker "${name}"`);
        super("queuestack:gcp:FunctionWorker", name, {}, opts);
        const parent = childOptions(this, opts);
        const { name: physical, labels, region, tracing } = gcpPlacement(args, "worker");
        const location = region();
        const timeoutSeconds = args.timeoutSeconds ?? worker.timeoutSeconds ?? 30;
        const headroom = args.pushHeadroom ?? defaultPushHeadroom;

        this.serviceAccount = workloadServiceAccount(`${name}-identity`, physical(gcpNames.serviceAccountId, worker.name, "fn"), `Runs the queuestack function worker ${worker.name}`, parent);
        grantDatabaseAccess(`${name}-datastore-access`, this.serviceAccount.email, args.database, parent);

        const environment = {
            ...args.environment,
            ...gcpWorkerEnvironment({
                worker,
                queueName: args.queueName,
                database: args.database,
                timeoutSeconds,
                ackDeadlineSeconds: args.ackDeadlineSeconds,
                resultTtlDays: args.resultTtlDays ?? 30,
            }),
            // One message at a time per instance; the others wait for the slot while the ack deadline allows.
            QUEUESTACK_PUSH_SLOTS: "1",
            QUEUESTACK_PUSH_MAX_WAIT_SECONDS: String(Math.max(0, args.ackDeadlineSeconds - timeoutSeconds - pushWaitMarginSeconds)),
        };
        const levels: (FunctionLevel | undefined)[] = args.levels ?? [undefined];
        const deployed = levels.map((level) => ({
            level,
            ...cloudFunction(
                level ? `${name}-${level.name}` : name,
                {
                    functionName: level ? physical(gcpNames.cloudFunction, worker.name, level.name) : physical(gcpNames.cloudFunction, worker.name),
                    region: location,
                    code: args.code ?? bundledGcpCode.pushWorker(worker.code),
                    sourceBucket: args.sourceBucket,
                    serviceAccountEmail: this.serviceAccount.email,
                    environment,
                    // The push request lives up to the ack deadline: waiting for the slot, then the message's own timeout.
                    timeoutSeconds: headroom > 1 ? Math.max(timeoutSeconds, args.ackDeadlineSeconds) : timeoutSeconds,
                    memoryMb: worker.memoryMb,
                    maxInstances: level?.maxInstances ?? worker.concurrency,
                    requestsPerInstance: headroom,
                    ingress: "ALLOW_INTERNAL_ONLY",
                    labels,
                    build: args.build,
                    tracing,
                },
                parent,
            ),
        }));
        this.functions = deployed.map((d) => d.fn);

        this.pushServiceAccount = workloadServiceAccount(`${name}-push-identity`, physical(gcpNames.serviceAccountId, worker.name, "push"), `Pub/Sub push identity for the queuestack worker ${worker.name}`, parent);
        const pusher = serviceAccountMember(this.pushServiceAccount.email);
        for (const d of deployed) grantInvoker(d.level ? `${name}-${d.level.name}-invoker` : `${name}-invoker`, d, location, pusher, parent);
        // The Pub/Sub service agent mints the OIDC tokens of this one account (granted on the account only).
        new serviceaccount.IAMMember(
            `${name}-push-token-creator`,
            {
                serviceAccountId: this.pushServiceAccount.name,
                role: "roles/iam.serviceAccountTokenCreator",
                member: agentMember(args.pubsubAgent, `${name}-pubsub-agent`, "pubsub", parent),
            },
            parent,
        );

        this.pushes = deployed.map((d) => ({ endpoint: d.serviceUri, serviceAccountEmail: this.pushServiceAccount.email, audience: d.serviceUri }));
        this.functionNames = this.functions.map((fn) => fn.name);
        this.registerOutputs({ functionNames: this.functionNames, pushEndpoints: deployed.map((d) => d.serviceUri), pushServiceAccountEmail: this.pushServiceAccount.email });
    }
}
