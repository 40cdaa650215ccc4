import { createHash } from "node:crypto";
import * as compute from "@pulumi/gcp/compute";
import * as pubsub from "@pulumi/gcp/pubsub";
import * as serviceaccount from "@pulumi/gcp/serviceaccount";
import * as storage from "@pulumi/gcp/storage";
import * as pulumi from "@pulumi/pulumi";
import { type WorkerSpec, type WorkerSpecInput, parseSpecPart, workerSchema } from "../spec";
import { workerServiceScript } from "../vm/worker-service";
import { type GcpPlacement, gcpPlacement, serviceAccountMember, childOptions } from "./context";
import { bundledGcpCode } from "./entries";
import { type DatabaseRef, grantDatabaseAccess, projectOf, workloadServiceAccount } from "./identity";
import { gcpTracingEnvironment, grantTraceWriting } from "./tracing";
import { gcpNames } from "./names";
import { idempotencyStoreKey } from "../declarations";
import { gcpWorkerEnvironment } from "./worker-environment";
import { installNodeScript, nodeVersion } from "./vm-node";

/** Machine type per spec instanceSize. */
export const gcpMachineTypes = { small: "e2-small", medium: "e2-medium", large: "e2-standard-2" } as const;
/** Debian 12, the latest image of the family at instance creation. */
export const workerImage = "debian-cloud/debian-12";
/** The Pub/Sub metric the autoscaler divides among instances. */
export const backlogMetric = "pubsub.googleapis.com/subscription/num_undelivered_messages";

/** What a VM worker needs to know about its subscription. */
export interface SubscriptionRef {
    /** `projects/<project>/subscriptions/<name>`: what the poller pulls from. */
    subscriptionId: pulumi.Input<string>;
    /** Subscription name (the metric's `subscription_id` label). */
    subscriptionName: pulumi.Input<string>;
}

/** One priority level a VM worker pulls from (a queue without priorities is one level). */
export interface PollLevel {
    /** Level name. @default none (a queue without priorities) */
    level?: string;
    /** Share of the poller's slots while several levels have work (priority weight). */
    weight: number;
    /** The level's subscriptions: its own, then those of fan-out topics delivering to it. */
    subscriptions: SubscriptionRef[];
    /** The level's topic: messages of the level below that waited too long are promoted to it. @default none (a single level) */
    topic?: { topicId: pulumi.Input<string>; topicName: pulumi.Input<string> };
}

export interface VmWorkerArgs extends GcpPlacement {
    /** The worker's spec (`kind: vm`): size, scaling, concurrency. */
    worker: WorkerSpecInput | WorkerSpec;
    /** Spec name of the queue it consumes (scope of its idempotency keys). */
    queueName: string;
    /** The subscription of a queue without priorities or topics. Give this or `levels`. */
    subscription?: SubscriptionRef;
    /** The levels of the queue, highest first, each with its subscriptions. @default one level of `subscription` */
    levels?: PollLevel[];
    /** Seconds after which a message moves up one level (spec priorities.promoteAfterSeconds). @default 300 */
    promoteAfterSeconds?: number;
    /** Extra environment variables (e.g. where claim-checked bodies are). @default {} */
    environment?: Record<string, pulumi.Input<string>>;
    database: DatabaseRef;
    /** Bucket the worker bundle is uploaded to; the instances may read only their own object. */
    sourceBucket: pulumi.Input<string>;
    /** Self link of a private subnetwork with Private Google Access (see Network). */
    subnetworkId: pulumi.Input<string>;
    /** The subscription's ack deadline (the poller extends it for long work). */
    ackDeadlineSeconds: number;
    /**
     * The subscriptions' `deadLetterPolicy.maxDeliveryAttempts` (spec `queues[].maxReceiveCount`):
     * the worker gets it as QUEUESTACK_MAX_RECEIVE_COUNT, so a failed last attempt's settle span says
     * `dead_letter`. @default undefined (that attempt is recorded as a `nack`)
     */
    maxReceiveCount?: number;
    /** Per-message timeout. @default worker.timeoutSeconds, else 30 */
    timeoutSeconds?: number;
    /** Days results are kept. @default 30 */
    resultTtlDays?: number;
    /** Bundled poller script. @default the GCP poller bundled with `worker.code` */
    code?: pulumi.Input<string>;
}

/** The levels a worker pulls from: given, else the one subscription as a single level. */
function pollLevels(args: VmWorkerArgs): PollLevel[] {
    if (args.levels) return args.levels;
    if (!args.subscription) throw new Error("VmWorker: give `subscription` or `levels`");
    return [{ weight: 1, subscriptions: [args.subscription] }];
}

/**
 * VM workers on Google Cloud: a regional managed instance group of Debian instances built from an
 * instance template (no external IP, Shielded VM, OS Login, no project SSH keys, a service account
 * of their own) whose startup script runs the worker as a systemd service, and an autoscaler on
 * the subscription's undelivered messages per instance (`singleInstanceAssignment`), from zero.
 *
 * With priority levels (or fan-out topics) the poller reads several subscriptions: it splits its
 * slots across the levels that have work by weight and moves messages that waited longer than
 * `promoteAfterSeconds` to the level above, so it may publish to every level topic but the
 * lowest's. The autoscaler gets one backlog metric per subscription and follows the largest
 * (an autoscaler filter selects one time series; sums across subscriptions are not possible).
 */
export class VmWorker extends pulumi.ComponentResource {
    readonly serviceAccount: serviceaccount.Account;
    readonly template: compute.InstanceTemplate;
    readonly group: compute.RegionInstanceGroupManager;
    readonly autoscaler: compute.RegionAutoscaler;
    readonly groupName: pulumi.Output<string>;

    constructor(name: string, args: VmWorkerArgs, opts?: pulumi.ComponentResourceOptions) {
        const worker = parseSpecPart(workerSchema, args.worker, `VM worker "${name}"`);
        super("queuestack:gcp:VmWorker", name, {}, opts);
        const { name: physical, labels, region, tracing } = gcpPlacement(args, "worker");
        const parent = childOptions(this, opts);
        const location = region();
        const timeoutSeconds = args.timeoutSeconds ?? worker.timeoutSeconds ?? 30;
        /** Seconds an instance being stopped or deleted (scale-in) has to finish its in-flight messages. */
        const drainSeconds = timeoutSeconds + 30;

        this.serviceAccount = workloadServiceAccount(`${name}-identity`, physical(gcpNames.serviceAccountId, worker.name, "vm"), `Runs the queuestack VM worker ${worker.name}`, parent);
        const member = serviceAccountMember(this.serviceAccount.email);
        const levels = pollLevels(args);
        const sources = levels.flatMap((l) => l.subscriptions.map((s, i) => ({ key: `${l.level ?? "queue"}-${i}`, ...s })));
        for (const source of sources) {
            const grant = sources.length === 1 ? `${name}-consume` : `${name}-consume-${source.key}`;
            new pubsub.SubscriptionIAMMember(grant, { subscription: source.subscriptionName, role: "roles/pubsub.subscriber", member }, parent);
        }
        for (const target of levels.slice(0, -1)) {
            if (!target.topic) throw new Error(`VmWorker: level ${target.level} needs its topic (messages are promoted to it)`);
            new pubsub.TopicIAMMember(`${name}-promote-to-${target.level}`, { topic: target.topic.topicName, role: "roles/pubsub.publisher", member }, parent);
        }
        grantDatabaseAccess(`${name}-datastore-access`, this.serviceAccount.email, args.database, parent);
        grantTraceWriting(name, tracing, this.serviceAccount.email, projectOf(args.database), parent);

        const code = pulumi.output(args.code ?? bundledGcpCode.vmPoller(worker.code));
        const codeFolder = `workers/${worker.name}/`;
        const bundle = new storage.BucketObject(
            `${name}-code`,
            {
                bucket: args.sourceBucket,
                name: code.apply((text) => `${codeFolder}${createHash("sha256").update(text).digest("hex").slice(0, 16)}.js`),
                content: code,
                contentType: "application/javascript",
            },
            parent,
        );
        new storage.BucketIAMMember(
            `${name}-read-code`,
            {
                bucket: args.sourceBucket,
                role: "roles/storage.objectViewer",
                member,
                condition: {
                    title: "queuestack-own-worker-code",
                    expression: pulumi.interpolate`resource.name.startsWith("projects/_/buckets/${args.sourceBucket}/objects/${codeFolder}")`,
                },
            },
            parent,
        );

        const environment = { ...args.environment, ...gcpWorkerEnvironment({ worker, queueName: args.queueName, database: args.database, timeoutSeconds, ackDeadlineSeconds: args.ackDeadlineSeconds, resultTtlDays: args.resultTtlDays ?? 30, maxReceiveCount: args.maxReceiveCount }),
            ...gcpTracingEnvironment(tracing, physical(gcpNames.compute, worker.name), projectOf(args.database)),
        };
        const levelsVariable = pulumi.jsonStringify(levels.map((l) => ({ level: l.level, weight: l.weight, subscriptions: l.subscriptions.map((s) => s.subscriptionId), topic: l.topic?.topicId })));
        const startupScript = pulumi
            .all([pulumi.output(environment), levelsVariable, args.sourceBucket, bundle.name])
            .apply(([env, levelsJson, bucket, object]) =>
                workerServiceScript({
                    installNode: installNodeScript(nodeVersion),
                    fetchBundle: `gcloud storage cp gs://${bucket}/${object} /opt/queuestack/worker.js`,
                    environment: {
                        ...env,
                        QUEUESTACK_LEVELS: levelsJson,
                        QUEUESTACK_PROMOTE_AFTER_SECONDS: String(args.promoteAfterSeconds ?? 300),
                        QUEUESTACK_CONCURRENCY: String(worker.concurrency),
                    },
                    stopTimeoutSeconds: drainSeconds,
                }),
            );

        this.template = new compute.InstanceTemplate(
            `${name}-template`,
            {
                // A prefix: templates are immutable, so each change creates a new one before the old goes.
                namePrefix: physical(gcpNames.instanceTemplatePrefix, worker.name),
                machineType: gcpMachineTypes[worker.instanceSize],
                disks: [{ boot: true, autoDelete: true, sourceImage: workerImage, diskSizeGb: 10, diskType: "pd-balanced" }],
                networkInterfaces: [{ subnetwork: args.subnetworkId }],
                serviceAccount: { email: this.serviceAccount.email, scopes: ["https://www.googleapis.com/auth/cloud-platform"] },
                shieldedInstanceConfig: { enableSecureBoot: true, enableVtpm: true, enableIntegrityMonitoring: true },
                // Scale-in safety: a deleted or stopped instance first shuts down gracefully for up to
                // drainSeconds (1-3600), so systemd's SIGTERM lets the poller finish in-flight messages
                // and hand buffered ones back (https://cloud.google.com/compute/docs/instances/graceful-shutdown-overview).
                scheduling: { gracefulShutdown: { enabled: true, maxDuration: { seconds: Math.min(drainSeconds, 3600) } } },
                metadata: {
                    "enable-oslogin": "TRUE",
                    "block-project-ssh-keys": "TRUE",
                    "startup-script": startupScript,
                    ...(worker.idempotency.enabled ? { [idempotencyStoreKey]: args.database.databaseName } : {}),
                },
                labels,
            },
            parent,
        );
        this.group = new compute.RegionInstanceGroupManager(
            `${name}-group`,
            {
                name: physical(gcpNames.compute, worker.name),
                region: location,
                baseInstanceName: physical(gcpNames.baseInstanceName, worker.name),
                // A new template rolls out proactively; the default surge matches the region's zone count.
                versions: [{ name: "primary", instanceTemplate: this.template.selfLinkUnique }],
            },
            parent,
        );
        this.autoscaler = new compute.RegionAutoscaler(
            `${name}-autoscaler`,
            {
                name: physical(gcpNames.compute, worker.name, "autoscaler"),
                region: location,
                target: this.group.id,
                autoscalingPolicy: {
                    minReplicas: worker.scaling.min,
                    maxReplicas: worker.scaling.max,
                    cooldownPeriod: 120,
                    metrics: sources.map((source) => ({
                        name: backlogMetric,
                        filter: pulumi.interpolate`resource.type = pubsub_subscription AND resource.labels.subscription_id = "${source.subscriptionName}"`,
                        singleInstanceAssignment: worker.scaling.backlogPerWorker,
                    })),
                },
            },
            parent,
        );
        this.groupName = this.group.name;
        this.registerOutputs({ groupName: this.groupName, serviceAccountEmail: this.serviceAccount.email });
    }
}
