import * as servicebus from "@pulumi/azure-native/servicebus";
import * as pulumi from "@pulumi/pulumi";
import { type QueueLevel, type QueueSpec, type QueueSpecInput, cloudLimits, deduplicationOf, validateQueueSpec, visibilityMultiplier } from "../spec";
import { type AzurePlacement, placement } from "./context";
import { azureNames } from "./names";
import { isoDuration } from "./duration";

/** Duplicate detection window: Service Bus's default, the same on every tier that has it. */
export const duplicateDetectionWindow = "PT10M";

export interface QueueArgs extends AzurePlacement {
    /** The queue's spec (validated for azure; defaults applied). */
    queue: QueueSpecInput | QueueSpec;
    /** Name of the Service Bus namespace (ServiceBusNamespace's `namespaceName`). */
    namespaceName: pulumi.Input<string>;
    /**
     * Message lock duration in seconds, at most 300 (longer work renews the lock).
     * @default the spec's visibilityTimeoutSeconds, else 6 x processingTimeSeconds, capped at 300
     * (the whole-stack component passes the value derived from the consuming workers' timeouts)
     */
    lockDurationSeconds?: number;
    /**
     * The priority level this Service Bus queue carries (one of `queueLevels(queue)`): its `name`,
     * `<queue>-<level>`, names the physical queue (and so its `$deadletterqueue` and alerts).
     * @default the queue itself (`<queue>`)
     */
    level?: QueueLevel;
}

/**
 * A Service Bus queue and its built-in dead-letter sub-queue: messages are dead-lettered after
 * `maxReceiveCount` deliveries and when they expire; `ordering: fifo` turns on sessions and
 * deduplication turns on duplicate detection.
 */
export class Queue extends pulumi.ComponentResource {
    readonly spec: QueueSpec;
    readonly queue: servicebus.Queue;
    /** Resource id of the queue: the scope of its RBAC role assignments and metric alerts. */
    readonly queueId: pulumi.Output<string>;
    readonly queueName: pulumi.Output<string>;
    /** `<queue>/$deadletterqueue`: the entity path receivers open to read dead letters. */
    readonly deadLetterPath: pulumi.Output<string>;
    readonly lockDurationSeconds: number;

    constructor(name: string, args: QueueArgs, opts?: pulumi.ComponentResourceOptions) {
        const spec = validateQueueSpec(args.queue, "azure", `queue "${name}"`);
        super("queuestack:azure:Queue", name, {}, opts);
        this.spec = spec;
        const at = placement(args, "queue");
        const { min, max } = cloudLimits.azure.visibilityTimeoutSeconds;
        this.lockDurationSeconds =
            args.lockDurationSeconds ?? spec.visibilityTimeoutSeconds ?? Math.min(max, Math.max(min, visibilityMultiplier * spec.processingTimeSeconds));
        if (this.lockDurationSeconds > max) {
            throw new Error(`queue "${name}": lock duration ${this.lockDurationSeconds} s exceeds Service Bus's ${max} s; validate the spec first`);
        }
        const dedup = deduplicationOf(spec) !== undefined;
        this.queue = new servicebus.Queue(`${name}-queue`, {
            queueName: at.name(azureNames.serviceBusQueue, args.level?.name ?? spec.name),
            namespaceName: args.namespaceName,
            resourceGroupName: at.resourceGroupName,
            lockDuration: isoDuration(this.lockDurationSeconds),
            maxDeliveryCount: spec.maxReceiveCount,
            defaultMessageTimeToLive: isoDuration(spec.retentionDays * 86_400),
            deadLetteringOnMessageExpiration: true,
            requiresSession: spec.ordering === "fifo",
            requiresDuplicateDetection: dedup,
            ...(dedup ? { duplicateDetectionHistoryTimeWindow: duplicateDetectionWindow } : {}),
            enableBatchedOperations: true,
        }, { parent: this });
        this.queueId = this.queue.id;
        this.queueName = this.queue.name;
        this.deadLetterPath = pulumi.interpolate`${this.queue.name}/$deadletterqueue`;
        this.registerOutputs({ queueId: this.queueId, queueName: this.queueName, deadLetterPath: this.deadLetterPath });
    }
}
