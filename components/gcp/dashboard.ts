import * as monitoring from "@pulumi/gcp/monitoring";
import * as pulumi from "@pulumi/pulumi";
import type { AlarmedQueue } from "./alarms";
import { type GcpPlacement, gcpPlacement, childOptions } from "./context";
import { pubsubMetrics, subscriptionFilter } from "./metrics";
import { gcpNames } from "./names";

export interface DashboardArgs extends GcpPlacement {
    queues: AlarmedQueue[];
}

/** One chart: a line per time series matching `filter`, aligned per minute. */
function chart(title: string, filter: string, aligner: string, unit: string) {
    return {
        title,
        xyChart: {
            dataSets: [{ plotType: "LINE", timeSeriesQuery: { timeSeriesFilter: { filter, aggregation: { alignmentPeriod: "60s", perSeriesAligner: aligner } }, unitOverride: unit } }],
            yAxis: { scale: "LINEAR", label: unit },
        },
    };
}

const tileWidth = 4;
const tileHeight = 4;
const columns = 12;

/**
 * A Cloud Monitoring dashboard with, per queue: depth (undelivered messages), oldest unacked
 * message age, in flight (push deliveries awaiting their ack), dead-letter depth and processing
 * time (ack latency, 95th percentile).
 */
export class Dashboard extends pulumi.ComponentResource {
    readonly dashboard: monitoring.Dashboard;

    constructor(name: string, args: DashboardArgs, opts?: pulumi.ComponentResourceOptions) {
        super("queuestack:gcp:Dashboard", name, {}, opts);
        const parent = childOptions(this, opts);
        const { name: physical } = gcpPlacement(args, "dashboard");
        const widgets = args.queues.map((q) =>
            pulumi
                .all([
                    subscriptionFilter(pubsubMetrics.undelivered, q.subscriptionName),
                    subscriptionFilter(pubsubMetrics.oldestUnackedAge, q.subscriptionName),
                    subscriptionFilter(pubsubMetrics.outstanding, q.subscriptionName),
                    subscriptionFilter(pubsubMetrics.undelivered, q.deadLetterSubscriptionName),
                    subscriptionFilter(pubsubMetrics.ackLatency, q.subscriptionName),
                ])
                .apply(([depth, age, inFlight, deadLetters, latency]) => [
                    chart(`${q.name}: depth`, depth, "ALIGN_MAX", "messages"),
                    chart(`${q.name}: oldest message age`, age, "ALIGN_MAX", "s"),
                    chart(`${q.name}: in flight`, inFlight, "ALIGN_MAX", "messages"),
                    chart(`${q.name}: dead-letter depth`, deadLetters, "ALIGN_MAX", "messages"),
                    chart(`${q.name}: processing time (p95)`, latency, "ALIGN_PERCENTILE_95", "ms"),
                ]),
        );
        const dashboardJson = pulumi.all(widgets).apply((perQueue) => {
            const tiles = perQueue.flat().map((widget, i) => ({
                xPos: (i * tileWidth) % columns,
                yPos: Math.floor((i * tileWidth) / columns) * tileHeight,
                width: tileWidth,
                height: tileHeight,
                widget,
            }));
            return JSON.stringify({ displayName: physical(gcpNames.pubsubTopic, "queues"), mosaicLayout: { columns, tiles } });
        });
        this.dashboard = new monitoring.Dashboard(`${name}-dashboard`, { dashboardJson }, parent);
        this.registerOutputs({ dashboardId: this.dashboard.id });
    }
}
