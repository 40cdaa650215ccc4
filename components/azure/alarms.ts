import * as monitor from "@pulumi/azure-native/monitor";
import type * as inputs from "@pulumi/azure-native/types/input";
import * as pulumi from "@pulumi/pulumi";
import { physicalName } from "../naming";
import { type AlarmsSpec, alarmsSchema, parseSpecPart } from "../spec";
import { type AzurePlacement, placement } from "./context";
import { azureNames } from "./names";

/** A queue to watch: the namespace holding it and its physical name (the `EntityName` dimension). */
export interface WatchedQueue {
    /** The spec's queue name (names the alert). */
    name: string;
    /** Resource id of the Service Bus namespace (the alert's scope). */
    namespaceId: pulumi.Input<string>;
    /** Physical queue name: the `EntityName` dimension. */
    queueName: pulumi.Input<string>;
}

/** A function worker to watch, by its Function App name (the `cloud/roleName` of its telemetry). */
export interface WatchedFunction {
    /** The spec's worker name (names the alert). */
    name: string;
    /** Function App name: the `cloud/roleName` of its requests. */
    appName: pulumi.Input<string>;
}

export interface AlarmsArgs extends AzurePlacement {
    /** Thresholds and the email to notify. @default {} (every field's default) */
    alarms?: Partial<AlarmsSpec>;
    /** Queues to watch: dead letters and backlog (the message-age SLA). Each maps to two alerts. */
    queues: WatchedQueue[];
    /** Function workers to watch for failed invocations. @default [] */
    functions?: WatchedFunction[];
    /** Application Insights the Functions host reports to (function failures). */
    appInsightsId: pulumi.Input<string>;
}

/** Window sizes Azure Monitor metric alerts accept, seconds. */
const windowSizes: [number, string][] = [[300, "PT5M"], [900, "PT15M"], [1800, "PT30M"], [3600, "PT1H"], [21_600, "PT6H"], [43_200, "PT12H"], [86_400, "P1D"]];

/** The longest allowed alert window that fits in `seconds` (at least 5 minutes). */
export function alertWindow(seconds: number): string {
    return [...windowSizes].reverse().find(([size]) => size <= seconds)?.[1] ?? "PT5M";
}

export interface AlertDefinition {
    /** Unique within the stack; names the alert rule. */
    key: string;
    /** What firing means, shown in the notification. */
    description: string;
    /** The resource whose metric is watched. */
    scope: pulumi.Input<string>;
    /** Azure Monitor metric namespace. */
    metricNamespace: string;
    /** Metric name within the namespace. */
    metricName: string;
    /** The one dimension value the alert is about (a queue or an app). */
    dimension: { name: string; value: pulumi.Input<string> };
    /** How values in the window are combined. */
    aggregation: "Maximum" | "Minimum" | "Count";
    /** Comparison against `threshold`. */
    operator: "GreaterThan" | "GreaterThanOrEqual";
    /** Value that fires the alert. */
    threshold: number;
    /** ISO 8601 window the aggregation covers. */
    windowSize: string;
    /** 0 (critical) to 4 (verbose). */
    severity: number;
}

/**
 * The metric alerts every queue and function worker gets by default, all on platform metrics.
 *
 * The message-age SLA (`alarms.oldestMessageAgeSeconds`) is the backlog alert: Service Bus
 * publishes no oldest-message-age metric, so it fires when the queue's ActiveMessages stayed above
 * 0 for the whole window (the longest alert window within the SLA, at least 5 minutes,
 * so an SLA under 5 minutes is checked at 5). Any message older
 * than the window keeps the queue non-empty for that long, so such a message always fires it; a queue
 * that never empties under steady load fires it too (a backlog the workers do not clear). Why not
 * a worker-reported age metric: it would need an Application Insights client in every adapter and
 * the ingestion identity on the VMs, and an alert fed by worker telemetry stays silent exactly
 * when no worker runs, the failure the SLA alarm exists to catch.
 */
export function alertDefinitions(settings: AlarmsSpec, queues: WatchedQueue[], functions: WatchedFunction[], appInsightsId: pulumi.Input<string>): AlertDefinition[] {
    const bus = { metricNamespace: "Microsoft.ServiceBus/namespaces" };
    const sla = settings.oldestMessageAgeSeconds;
    return [
        ...queues.flatMap((q): AlertDefinition[] => [
            {
                ...bus,
                key: `${q.name}-dlq-depth`,
                description: `Messages in the dead-letter queue of "${q.name}": each one is a failure to inspect and resubmit.`,
                scope: q.namespaceId,
                metricName: "DeadletteredMessages",
                dimension: { name: "EntityName", value: q.queueName },
                aggregation: "Maximum",
                operator: "GreaterThanOrEqual",
                threshold: settings.deadLetterDepth,
                windowSize: "PT5M",
                severity: 1,
            },
            {
                ...bus,
                key: `${q.name}-backlog`,
                description: `"${q.name}" has not been empty for ${alertWindow(sla)}: messages may be waiting longer than the ${sla} s SLA (alarms.oldestMessageAgeSeconds); workers are stalled or not keeping up.`,
                scope: q.namespaceId,
                metricName: "ActiveMessages",
                dimension: { name: "EntityName", value: q.queueName },
                aggregation: "Minimum",
                operator: "GreaterThan",
                threshold: 0,
                windowSize: alertWindow(sla),
                severity: 2,
            },
        ]),
        ...functions.map((f): AlertDefinition => ({
            key: `${f.name}-failures`,
            description: `Worker "${f.name}" failed at least ${settings.workerErrors} invocation(s) in 5 minutes.`,
            scope: appInsightsId,
            metricNamespace: "microsoft.insights/components",
            metricName: "requests/failed",
            dimension: { name: "cloud/roleName", value: f.appName },
            aggregation: "Count",
            operator: "GreaterThanOrEqual",
            threshold: settings.workerErrors,
            windowSize: "PT5M",
            severity: 2,
        })),
    ];
}

/**
 * Alarms on Azure: an action group (with the email receiver when given) and Azure Monitor metric
 * alerts on dead-letter depth, backlog (the message-age SLA) and function failures, every one on
 * a platform metric the services publish themselves. Each alert resolves itself when the
 * condition clears.
 */
export class Alarms extends pulumi.ComponentResource {
    readonly actionGroup: monitor.ActionGroup;
    readonly actionGroupId: pulumi.Output<string>;
    readonly alerts: monitor.MetricAlert[];

    constructor(name: string, args: AlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
        const settings = parseSpecPart(alarmsSchema, args.alarms ?? {}, `alarms "${name}"`);
        super("queuestack:azure:Alarms", name, {}, opts);
        const at = placement(args, "alarms");
        this.actionGroup = new monitor.ActionGroup(`${name}-action-group`, {
            actionGroupName: at.name(azureNames.monitorRule, "alarms"),
            // Shown in email subjects: the stack name alone reads best (it need not be unique).
            groupShortName: physicalName(azureNames.actionGroupShortName, [(args.namePrefix ?? [pulumi.getProject()])[0]]),
            resourceGroupName: at.resourceGroupName,
            location: "Global",
            enabled: true,
            emailReceivers: settings.email ? [{ name: "email", emailAddress: settings.email, useCommonAlertSchema: true }] : [],
            tags: at.tags,
        }, { parent: this });
        this.alerts = alertDefinitions(settings, args.queues, args.functions ?? [], args.appInsightsId).map((a) => {
            const criterion: inputs.monitor.MetricCriteriaArgs = {
                criterionType: "StaticThresholdCriterion",
                name: a.metricName.replace(/\W/g, "-"),
                metricNamespace: a.metricNamespace,
                metricName: a.metricName,
                dimensions: [{ name: a.dimension.name, operator: "Include", values: [a.dimension.value] }],
                timeAggregation: a.aggregation,
                operator: a.operator,
                threshold: a.threshold,
            };
            return new monitor.MetricAlert(`${name}-${a.key}`, {
                ruleName: at.name(azureNames.monitorRule, a.key),
                resourceGroupName: at.resourceGroupName,
                location: "global",
                description: a.description,
                enabled: true,
                severity: a.severity,
                scopes: [a.scope],
                evaluationFrequency: a.windowSize === "PT5M" ? "PT1M" : "PT5M",
                windowSize: a.windowSize,
                autoMitigate: true,
                criteria: { odataType: "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria", allOf: [criterion] },
                actions: [{ actionGroupId: this.actionGroup.id }],
                tags: at.tags,
            }, { parent: this });
        });
        this.actionGroupId = this.actionGroup.id;
        this.registerOutputs({ actionGroupId: this.actionGroupId });
    }
}
