import type * as pulumi from "@pulumi/pulumi";
import { type QueueLevel, type QueueSpec, type Spec, consumersOf, defaultLevelOf, defaultQueueLevel, levelShares, queueLevels, topicMaxMessageKb, topicOrdering, visibilityTimeoutSeconds, workerTimeoutSeconds } from "../spec";
import type { AlarmedFunction, AlarmedQueue } from "./alarms";
import type { GcpPlacement } from "./context";
import type { GcpCodeSource } from "./entries";
import { FanOutTopic } from "./fan-out";
import type { FrontEndQueue } from "./front-end";
import type { DatabaseRef } from "./identity";
import { blobBucketVariable, grantBlobAccess } from "./large-messages";
import { Queue } from "./queue";
import type { FunctionBuildSettings } from "./function-build";
import type { ServiceAgent } from "./service-agents";
import { FunctionWorker } from "./workers-function";
import { type PollLevel, VmWorker } from "./workers-vm";

/** What every queue of a stack shares. */
export interface StackQueueContext {
    /** The stack component's name: children are `<name>-<queue level>`, `<name>-<worker>`. */
    name: string;
    /** Naming and labels of the stack. */
    where: GcpPlacement;
    /** The validated spec. */
    spec: Spec;
    /** Options of every role (parent, API dependency). */
    child: pulumi.ComponentResourceOptions;
    database: DatabaseRef;
    sourceBucket: pulumi.Input<string>;
    code: GcpCodeSource;
    /** The project's Pub/Sub service agent, provisioned once for the stack. */
    pubsubAgent: ServiceAgent;
    /** How the stack's functions are built. */
    build: FunctionBuildSettings;
    /** The claim-check bucket, when large messages are on. */
    blobBucket?: pulumi.Input<string>;
}

/** A spec queue as deployed: one Queue per level, highest first, and its function worker's push deliveries. */
export interface DeployedQueue {
    spec: QueueSpec;
    levels: { level: QueueLevel; queue: Queue }[];
    /** The level fan-out topics deliver to (the default level). */
    defaultLevel: { level: QueueLevel; queue: Queue };
    ackDeadlineSeconds: number;
    /** Push deliveries per level, when a function worker consumes the queue. */
    pushes?: FunctionWorker["pushes"];
}

const workerCommon = (c: StackQueueContext, q: QueueSpec, worker: Spec["workers"][number]) => ({
    ...c.where,
    worker,
    queueName: q.name,
    database: c.database,
    sourceBucket: c.sourceBucket,
    ackDeadlineSeconds: visibilityTimeoutSeconds(c.spec, q, "gcp"),
    maxReceiveCount: q.maxReceiveCount,
    timeoutSeconds: workerTimeoutSeconds(c.spec, worker),
    resultTtlDays: c.spec.datastore.ttlDays,
    code: (worker.kind === "function" ? c.code.pushWorker : c.code.vmPoller)(worker.code),
    environment: (c.blobBucket ? { [blobBucketVariable]: c.blobBucket } : {}) as Record<string, pulumi.Input<string>>,
});

/**
 * Deploys one spec queue: its function worker (a function per level, concurrency split by weight)
 * and a Queue per level pushing to it, or pulled by VM workers (deployed later, with
 * deployVmWorkers, once fan-out subscriptions exist). Adds the function to `functions` for alarms.
 */
export function deployQueue(c: StackQueueContext, q: QueueSpec, functions: AlarmedFunction[]): DeployedQueue {
    const levels = queueLevels(q);
    const ackDeadlineSeconds = visibilityTimeoutSeconds(c.spec, q, "gcp");
    // A function consumer is the queue's only consumer (a spec rule): its push settings shape the subscriptions.
    const pushed = consumersOf(c.spec, q.name).find((w) => w.kind === "function");
    let pushes: FunctionWorker["pushes"] | undefined;
    if (pushed) {
        const shares = levelShares(pushed.concurrency, levels, 1);
        const perLevel = q.priorities ? levels.map((l, i) => ({ name: l.level!, maxInstances: shares[i]! })) : undefined;
        const fn = new FunctionWorker(`${c.name}-${pushed.name}`, { ...workerCommon(c, q, pushed), pubsubAgent: c.pubsubAgent, build: c.build, levels: perLevel }, c.child);
        if (c.blobBucket) grantBlobAccess(`${c.name}-${pushed.name}-read-bodies`, c.blobBucket, fn.serviceAccount.email, "roles/storage.objectViewer", { parent: fn });
        fn.functionNames.forEach((functionName, i) => functions.push({ name: perLevel ? `${pushed.name}-${perLevel[i]!.name}` : pushed.name, functionName }));
        pushes = fn.pushes;
    }
    const deployed = levels.map((level, i) => ({
        level,
        queue: new Queue(`${c.name}-${level.name}`, { ...c.where, queue: q, level, ackDeadlineSeconds, push: pushes?.[i], pubsubAgent: c.pubsubAgent }, c.child),
    }));
    const defaultLevel = deployed.find((d) => d.level.name === defaultQueueLevel(q).name)!;
    return { spec: q, levels: deployed, defaultLevel, ackDeadlineSeconds, pushes };
}

/** One FanOutTopic per spec topic, each subscriber queue fed at its default level. */
export function deployTopics(c: StackQueueContext, queues: Record<string, DeployedQueue>): Record<string, FanOutTopic> {
    return Object.fromEntries(
        c.spec.topics.map((topic) => {
            const subscribers = topic.subscribers.map((queueName) => {
                const q = queues[queueName]!;
                const index = q.levels.indexOf(q.defaultLevel);
                return { queue: q.spec, level: q.defaultLevel.level, deadLetterTopicId: q.defaultLevel.queue.deadLetterTopic.id, ackDeadlineSeconds: q.ackDeadlineSeconds, push: q.pushes?.[index] };
            });
            return [topic.name, new FanOutTopic(`${c.name}-fanout-${topic.name}`, { ...c.where, topic, subscribers, pubsubAgent: c.pubsubAgent }, c.child)];
        }),
    );
}

/** VM workers of a queue: they pull every level by weight, plus the fan-out subscriptions of its default level. */
export function deployVmWorkers(c: StackQueueContext, q: DeployedQueue, topics: Record<string, FanOutTopic>, subnetworkId: pulumi.Input<string>): void {
    const fanOut = Object.values(topics).flatMap((t) => (t.subscriptions[q.spec.name] ? [t.subscriptions[q.spec.name]!] : []));
    const levels: PollLevel[] = q.levels.map((d) => ({
        level: d.level.level,
        weight: d.level.weight,
        subscriptions: [d.queue, ...(d === q.defaultLevel ? fanOut : [])],
        topic: { topicId: d.queue.topicId, topicName: d.queue.topic.name },
    }));
    for (const worker of consumersOf(c.spec, q.spec.name).filter((w) => w.kind === "vm")) {
        const vm = new VmWorker(`${c.name}-${worker.name}`, { ...workerCommon(c, q.spec, worker), levels, promoteAfterSeconds: q.spec.priorities?.promoteAfterSeconds, subnetworkId }, c.child);
        if (c.blobBucket) grantBlobAccess(`${c.name}-${worker.name}-read-bodies`, c.blobBucket, vm.serviceAccount.email, "roles/storage.objectViewer", { parent: vm });
    }
}

/** The front end's view of a deployed queue: level topics and routing rules. */
export function frontEndQueue(q: DeployedQueue): FrontEndQueue {
    return {
        levels: q.levels.map((d) => ({ level: d.level.level, topicId: d.queue.topicId, topicName: d.queue.topic.name })),
        ordered: q.spec.ordering === "fifo",
        defaultLevel: defaultLevelOf(q.spec),
        maxDelaySeconds: q.spec.maxDelaySeconds,
        groupKey: q.spec.groupKey,
        deduplicationKey: q.spec.deduplicationKey,
        maxMessageKb: q.spec.maxMessageKb,
    };
}

/**
 * The alarmed subscriptions: every level of every queue, and every fan-out subscription (its
 * dead letters land in its queue's default-level dead-letter topic).
 */
export function watchedQueues(queues: Record<string, DeployedQueue>, topics: Record<string, FanOutTopic>): AlarmedQueue[] {
    const levels = Object.values(queues).flatMap((q) =>
        q.levels.map((d) => ({ name: d.level.name, subscriptionName: d.queue.subscriptionName, deadLetterSubscriptionName: d.queue.deadLetterSubscriptionName })),
    );
    const fanOut = Object.entries(topics).flatMap(([topicName, t]) =>
        Object.entries(t.subscriptions).map(([queueName, s]) => ({
            name: `${topicName}-to-${queueName}`,
            subscriptionName: s.subscriptionName,
            deadLetterSubscriptionName: queues[queueName]!.defaultLevel.queue.deadLetterSubscriptionName,
        })),
    );
    return [...levels, ...fanOut];
}

/** How the front end publishes to fan-out topic `name`: ordered when its subscribers are fifo, bodies within the smallest subscriber's limit. */
export function topicSettings(spec: Spec, name: string): { ordered: boolean; maxMessageKb: number } {
    const topic = spec.topics.find((t) => t.name === name)!;
    return { ordered: topicOrdering(spec, topic) === "fifo", maxMessageKb: topicMaxMessageKb(spec, topic) };
}
