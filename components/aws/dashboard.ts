import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type AwsPlacement, placement } from "./context";
import { awsNames } from "./names";
import type { WatchedFunction, WatchedQueue } from "./alarms";

export interface DashboardArgs extends AwsPlacement {
    queues: WatchedQueue[];
    functions?: WatchedFunction[];
    /** Region the metrics live in. @default the provider's region */
    region?: pulumi.Input<string>;
}

type MetricLine = [string, string, string, string, { stat: string; label: string }];

function widget(title: string, metrics: MetricLine[], region: string, x: number, y: number) {
    return { type: "metric", x, y, width: 12, height: 6, properties: { title, metrics, region, view: "timeSeries", period: 60 } };
}

/** The dashboard's widgets: per queue depth, oldest age, in flight and DLQ depth; per function processing time. */
export function dashboardBody(queues: { name: string; queueName: string; deadLetterName: string }[], functions: { name: string; functionName: string }[], region: string): string {
    const sqs = (metric: string, queueName: string, stat: string, label: string): MetricLine => ["AWS/SQS", metric, "QueueName", queueName, { stat, label }];
    const widgets = [
        widget("Queue depth (visible messages)", queues.map((q) => sqs("ApproximateNumberOfMessagesVisible", q.queueName, "Maximum", q.name)), region, 0, 0),
        widget("Oldest message age (s)", queues.map((q) => sqs("ApproximateAgeOfOldestMessage", q.queueName, "Maximum", q.name)), region, 12, 0),
        widget("In flight (not visible)", queues.map((q) => sqs("ApproximateNumberOfMessagesNotVisible", q.queueName, "Maximum", q.name)), region, 0, 6),
        widget("Dead-letter queue depth", queues.map((q) => sqs("ApproximateNumberOfMessagesVisible", q.deadLetterName, "Maximum", `${q.name} DLQ`)), region, 12, 6),
        widget(
            "Processing time (ms)",
            functions.flatMap((f): MetricLine[] => [
                ["AWS/Lambda", "Duration", "FunctionName", f.functionName, { stat: "p50", label: `${f.name} p50` }],
                ["AWS/Lambda", "Duration", "FunctionName", f.functionName, { stat: "p99", label: `${f.name} p99` }],
            ]),
            region,
            0,
            12,
        ),
    ];
    return JSON.stringify({ widgets: widgets.filter((w) => w.properties.metrics.length > 0) });
}

/** A CloudWatch dashboard with the stack's vital signs, named with its region (dashboards are account-global). */
export class Dashboard extends pulumi.ComponentResource {
    readonly dashboardName: pulumi.Output<string>;

    constructor(name: string, args: DashboardArgs, opts?: pulumi.ComponentResourceOptions) {
        super("queuestack:aws:Dashboard", name, {}, opts);
        const { globalName } = placement(args, "dashboard");
        const region = args.region ?? aws.getRegionOutput({}, { parent: this }).region;
        const queues = pulumi.all(args.queues.map((q) => pulumi.all([q.name, q.queueName, q.deadLetterName])));
        const functions = pulumi.all((args.functions ?? []).map((f) => pulumi.all([f.name, f.functionName])));
        const body = pulumi.all([queues, functions, region]).apply(([qs, fs, r]) =>
            dashboardBody(
                qs.map(([n, queueName, deadLetterName]) => ({ name: n, queueName, deadLetterName })),
                fs.map(([n, functionName]) => ({ name: n, functionName })),
                r,
            ),
        );
        const dashboard = new aws.cloudwatch.Dashboard(`${name}-dashboard`, { dashboardName: globalName(this, awsNames.cloudwatchDashboard, "overview"), dashboardBody: body }, { parent: this });
        this.dashboardName = dashboard.dashboardName;
        this.registerOutputs({ dashboardName: this.dashboardName });
    }
}
