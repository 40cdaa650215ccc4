import type { QueueStats } from "../engine/types";
import type { AlarmState } from "./alarms";
import type { WorkerLatency, WorkerMetrics } from "./metrics";

/** Everything /metrics shows. */
export interface MetricsSnapshot {
    queues: QueueStats[];
    inFlightByWorker: Record<string, number>;
    outcomes: ReturnType<WorkerMetrics["outcomes"]>;
    latencies: WorkerLatency[];
    alarms: AlarmState[];
}

type Labels = Record<string, string>;
interface Family {
    name: string;
    help: string;
    type: "gauge" | "counter" | "summary";
    samples: { labels: Labels; value: number; suffix?: string }[];
}

const escapeLabel = (value: string) => value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
const formatLabels = (labels: Labels) => {
    const entries = Object.entries(labels);
    return entries.length === 0 ? "" : `{${entries.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",")}}`;
};

/** Renders families in the Prometheus text exposition format (version 0.0.4). */
export function renderFamilies(families: Family[]): string {
    const lines: string[] = [];
    for (const family of families) {
        lines.push(`# HELP ${family.name} ${family.help}`, `# TYPE ${family.name} ${family.type}`);
        for (const sample of family.samples) lines.push(`${family.name}${sample.suffix ?? ""}${formatLabels(sample.labels)} ${sample.value}`);
    }
    return `${lines.join("\n")}\n`;
}

const perQueue = (queues: QueueStats[], pick: (q: QueueStats) => number) => queues.map((q) => ({ labels: { queue: q.queue }, value: pick(q) }));

/** The local stack's metrics: queue gauges, worker outcome counters, processing-time summaries, alarm states. */
export function renderMetrics(snapshot: MetricsSnapshot): string {
    const { queues } = snapshot;
    const summary: Family["samples"] = [];
    for (const l of snapshot.latencies) {
        if (l.p50Ms !== null) summary.push({ labels: { worker: l.worker, quantile: "0.5" }, value: l.p50Ms / 1000 });
        if (l.p99Ms !== null) summary.push({ labels: { worker: l.worker, quantile: "0.99" }, value: l.p99Ms / 1000 });
        summary.push({ labels: { worker: l.worker }, value: l.samples, suffix: "_count" });
    }
    return renderFamilies([
        { name: "queuestack_queue_visible_messages", help: "Messages ready to be received.", type: "gauge", samples: perQueue(queues, (q) => q.visible) },
        { name: "queuestack_queue_in_flight_messages", help: "Messages received and not yet deleted.", type: "gauge", samples: perQueue(queues, (q) => q.inFlight) },
        { name: "queuestack_queue_delayed_messages", help: "Messages waiting out a delay or a retry backoff.", type: "gauge", samples: perQueue(queues, (q) => q.delayed) },
        { name: "queuestack_queue_oldest_message_age_seconds", help: "Age of the oldest message in the queue.", type: "gauge", samples: perQueue(queues, (q) => q.oldestAgeSeconds) },
        { name: "queuestack_dead_letter_messages", help: "Messages in the queue's dead-letter queue.", type: "gauge", samples: perQueue(queues, (q) => q.deadLetters) },
        {
            name: "queuestack_worker_in_flight_messages",
            help: "Messages the worker pool is processing now.",
            type: "gauge",
            samples: Object.entries(snapshot.inFlightByWorker).map(([worker, value]) => ({ labels: { worker }, value })),
        },
        {
            name: "queuestack_worker_deliveries_total",
            help: "Deliveries processed since start, by outcome (done, duplicate, retry, dead-letter).",
            type: "counter",
            samples: snapshot.outcomes.map((o) => ({ labels: { worker: o.worker, outcome: o.outcome }, value: o.count })),
        },
        { name: "queuestack_worker_processing_seconds", help: "Processing time per delivery over the last 5 minutes.", type: "summary", samples: summary },
        {
            name: "queuestack_alarm_firing",
            help: "1 while the alarm's threshold from the spec is crossed.",
            type: "gauge",
            samples: snapshot.alarms.map((a) => ({ labels: { alarm: a.name, rule: a.rule }, value: a.firing ? 1 : 0 })),
        },
    ]);
}
