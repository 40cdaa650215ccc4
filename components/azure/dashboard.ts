import * as applicationinsights from "@pulumi/azure-native/applicationinsights";
import * as pulumi from "@pulumi/pulumi";
import type { WatchedFunction } from "./alarms";
import { type AzurePlacement, placement } from "./context";
import { stableGuid } from "./names";

export interface DashboardArgs extends AzurePlacement {
    /** Service Bus namespace holding the queues. */
    namespaceId: pulumi.Input<string>;
    /** Queues by spec name, with their physical names (the `EntityName` dimension). */
    queues: { name: string; queueName: pulumi.Input<string> }[];
    /** Function workers whose processing time is charted. @default [] */
    functions?: WatchedFunction[];
    /** Application Insights the workers report to. */
    appInsightsId: pulumi.Input<string>;
}

/** Workbook metric aggregations. */
const aggregation = { sum: 1, minimum: 2, maximum: 3, average: 4 } as const;

function metricChart(title: string, namespaceId: string, queueNames: string[], metrics: string[], by: keyof typeof aggregation = "maximum") {
    return {
        type: 10,
        name: title,
        content: {
            version: "MetricsItem/2.0",
            title,
            size: 0,
            chartType: 2,
            resourceType: "microsoft.servicebus/namespaces",
            metricScope: 0,
            resourceIds: [namespaceId],
            timeContext: { durationMs: 3_600_000 },
            metrics: metrics.map((metric) => ({ namespace: "microsoft.servicebus/namespaces", metric: `microsoft.servicebus/namespaces--${metric}`, aggregation: aggregation[by], splitBy: "EntityName" })),
            filters: [{ key: "EntityName", operator: 0, values: queueNames }],
        },
    };
}

function logChart(title: string, appInsightsId: string, query: string) {
    return {
        type: 3,
        name: title,
        content: { version: "KqlItem/1.0", title, query, size: 0, queryType: 0, resourceType: "microsoft.insights/components", crossComponentResources: [appInsightsId], visualization: "timechart", timeContext: { durationMs: 3_600_000 } },
    };
}

/**
 * The workbook: per queue depth, standing backlog, in flight and DLQ depth; per function
 * processing time. Every chart reads data the platform publishes itself (Service Bus metrics, the
 * Functions host's request telemetry). Service Bus has no oldest-message-age metric: the standing
 * backlog (the fewest active messages in each minute) is what the backlog alert watches, and stays
 * above 0 while messages wait.
 */
export function workbookContent(namespaceId: string, queueNames: string[], appNames: string[], appInsightsId: string): string {
    const kql = (text: string) => text.replace(/\s+/g, " ").trim();
    const items = [
        metricChart("Queue depth (active messages)", namespaceId, queueNames, ["ActiveMessages"]),
        metricChart("Standing backlog (fewest active messages per minute)", namespaceId, queueNames, ["ActiveMessages"], "minimum"),
        metricChart("In flight (Messages - Active - Scheduled - Dead-lettered)", namespaceId, queueNames, ["Messages", "ActiveMessages", "ScheduledMessages", "DeadletteredMessages"]),
        metricChart("Dead-letter queue depth", namespaceId, queueNames, ["DeadletteredMessages"]),
        ...(appNames.length
            ? [logChart("Processing time (ms)", appInsightsId, kql(`requests | where cloud_RoleName in (${appNames.map((a) => JSON.stringify(a)).join(", ")})
                | summarize p50 = percentile(duration, 50), p99 = percentile(duration, 99) by bin(timestamp, 1m), cloud_RoleName`))]
            : []),
    ];
    return JSON.stringify({ version: "Notebook/1.0", items, isLocked: false });
}

/** An Azure Monitor workbook with the stack's vital signs (the same charts as the AWS dashboard). */
export class Dashboard extends pulumi.ComponentResource {
    readonly workbookId: pulumi.Output<string>;

    constructor(name: string, args: DashboardArgs, opts?: pulumi.ComponentResourceOptions) {
        super("queuestack:azure:Dashboard", name, {}, opts);
        const at = placement(args, "dashboard");
        const prefix = args.namePrefix ?? [pulumi.getProject(), pulumi.getStack()];
        const content = pulumi
            .all([args.namespaceId, pulumi.all(args.queues.map((q) => q.queueName)), pulumi.all((args.functions ?? []).map((f) => f.appName)), args.appInsightsId])
            .apply(([namespaceId, queueNames, appNames, appInsightsId]) => workbookContent(namespaceId, queueNames, appNames, appInsightsId));
        const workbook = new applicationinsights.Workbook(`${name}-workbook`, {
            resourceName: stableGuid(...prefix, name, "workbook"),
            resourceGroupName: at.resourceGroupName,
            location: at.location,
            kind: "shared",
            category: "workbook",
            displayName: `${prefix.join("-")} queues and workers`,
            serializedData: content,
            sourceId: args.appInsightsId,
            tags: at.tags,
        }, { parent: this });
        this.workbookId = workbook.id;
        this.registerOutputs({ workbookId: this.workbookId });
    }
}
