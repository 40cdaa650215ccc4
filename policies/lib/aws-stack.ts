import type { PolicyResource } from "@pulumi/policy";
import { lambdaDefaultTimeoutSeconds, type Redrive, redriveOf, sqsDefaults, sqsQueueType, sqsRedrivePolicyType } from "./aws";
import { roleOfAutoScalingGroup, roleOfFunction } from "./aws-iam";
import { idempotencyStoreKey } from "./declarations";
import { declaredStoreOf } from "./idempotency";
import { asList, ofType, type Props, text } from "./stack";

/** An SQS queue as the stack policies see it, with its redrive policy wherever it was set. */
export interface SqsQueue {
    resource: PolicyResource;
    /** Physical queue name (the CloudWatch `QueueName` dimension). */
    physicalName: string;
    retentionSeconds: number;
    visibilitySeconds: number;
    redrive?: Redrive;
    /** True when another queue dead-letters into it, or it declares a redrive-allow policy (inline or as a resource). */
    isDeadLetter: boolean;
}

/** A worker consuming an SQS queue: a Lambda function behind an event source mapping, or an Auto Scaling group scaling on the queue. */
export interface SqsConsumer {
    resource: PolicyResource;
    kind: "Lambda function" | "Auto Scaling group";
    queue: SqsQueue;
    /** Longest one invocation may run; undefined when the infrastructure does not say (VMs). */
    timeoutSeconds?: number;
    role?: PolicyResource;
    /** The idempotency store the worker declares (variable or tag, see declarations.ts and idempotency.ts). */
    declaredStore?: string;
}

/** Every SQS queue in the stack. */
export function sqsQueues(resources: readonly PolicyResource[]): SqsQueue[] {
    const separateRedrives = ofType(resources, sqsRedrivePolicyType);
    const separateAllows = ofType(resources, "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy");
    const queues = ofType(resources, sqsQueueType).map((resource) => {
        const p: Props = resource.props;
        const separate = separateRedrives.find((r) => r.props.queueUrl !== undefined && r.props.queueUrl === p.url);
        const redrive = redriveOf(separate?.props.redrivePolicy ?? p.redrivePolicy);
        return {
            resource,
            physicalName: text(p.name) ?? resource.name,
            retentionSeconds: p.messageRetentionSeconds ?? sqsDefaults.messageRetentionSeconds,
            visibilitySeconds: p.visibilityTimeoutSeconds ?? sqsDefaults.visibilityTimeoutSeconds,
            redrive: redrive === "invalid" ? undefined : redrive,
            isDeadLetter: Boolean(p.redriveAllowPolicy) || separateAllows.some((a) => a.props.queueUrl !== undefined && a.props.queueUrl === p.url),
        };
    });
    for (const queue of queues) {
        const target = queue.redrive?.deadLetterTargetArn;
        const deadLetter = queues.find((q) => target !== undefined && q.resource.props.arn === target);
        if (deadLetter) deadLetter.isDeadLetter = true;
    }
    return queues;
}

/** The queue's dead-letter queue, when it is in the stack. */
export function deadLetterOf(queues: readonly SqsQueue[], queue: SqsQueue): SqsQueue | undefined {
    const target = queue.redrive?.deadLetterTargetArn;
    return target === undefined ? undefined : queues.find((q) => q.resource.props.arn === target);
}

/** Every worker consuming one of `queues`. */
export function sqsConsumers(resources: readonly PolicyResource[], queues: readonly SqsQueue[]): SqsConsumer[] {
    return [...functionConsumers(resources, queues), ...groupConsumers(resources, queues)];
}

function functionConsumers(resources: readonly PolicyResource[], queues: readonly SqsQueue[]): SqsConsumer[] {
    const functions = ofType(resources, "aws:lambda/function:Function");
    return ofType(resources, "aws:lambda/eventSourceMapping:EventSourceMapping").flatMap((mapping) => {
        const queue = queues.find((q) => q.resource.props.arn === mapping.props.eventSourceArn);
        const ref = String(mapping.props.functionName ?? "");
        const fn = functions.find((f) => f.props.name === ref || f.props.arn === ref || (text(f.props.arn) && ref.startsWith(`${f.props.arn}:`)));
        if (!queue || !fn) return [];
        return [{
            resource: fn,
            kind: "Lambda function" as const,
            queue,
            timeoutSeconds: fn.props.timeout ?? lambdaDefaultTimeoutSeconds,
            role: roleOfFunction(resources, fn),
            declaredStore: declaredStoreOf(fn.props.environment?.variables?.[idempotencyStoreKey], fn.props.tags),
        }];
    });
}

/** Auto Scaling groups with a scaling policy on a queue's metrics (the backlog-per-instance pattern). */
function groupConsumers(resources: readonly PolicyResource[], queues: readonly SqsQueue[]): SqsConsumer[] {
    const groups = ofType(resources, "aws:autoscaling/group:Group");
    return ofType(resources, "aws:autoscaling/policy:Policy").flatMap((policy) => {
        const group = groups.find((g) => g.props.name === policy.props.autoscalingGroupName);
        const names = queueNameDimensions(policy.props);
        const queue = queues.find((q) => names.includes(q.physicalName));
        if (!group || !queue) return [];
        const tags = Object.fromEntries(asList<{ key?: string; value?: string }>(group.props.tags).map((t) => [t.key, t.value]));
        return [{
            resource: group,
            kind: "Auto Scaling group" as const,
            queue,
            role: roleOfAutoScalingGroup(resources, group),
            declaredStore: declaredStoreOf(tags[idempotencyStoreKey], tags),
        }];
    });
}

/** Every `QueueName` dimension value anywhere in a property tree ({name, value} pairs or {QueueName: x} maps). */
export function queueNameDimensions(value: unknown): string[] {
    if (Array.isArray(value)) return value.flatMap(queueNameDimensions);
    if (typeof value !== "object" || value === null) return [];
    const record = value as Record<string, unknown>;
    const own = record.name === "QueueName" && typeof record.value === "string" ? [record.value] : [];
    const mapped = typeof record.QueueName === "string" ? [record.QueueName] : [];
    return [...own, ...mapped, ...Object.values(record).flatMap(queueNameDimensions)];
}

/** Whether a CloudWatch alarm that notifies someone watches `metricName` of the named queue. */
export function alarmWatchesQueue(alarm: PolicyResource, metricName: string, queueName: string): boolean {
    const p: Props = alarm.props;
    if (asList(p.alarmActions).length === 0) return false;
    const metrics = [p, ...asList<Props>(p.metricQueries).map((q) => q.metric ?? {})];
    return metrics.some((m) => m.namespace === "AWS/SQS" && m.metricName === metricName && queueNameDimensions(m.dimensions).includes(queueName));
}
