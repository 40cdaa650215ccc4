import type { Cloud, Spec } from "../components/spec";

/** What each role is on each target, as the diagram labels it. */
export const services: Record<Cloud, { frontEnd: string; queue: string; deadLetter: string; function: string; vm: string; datastore: string; alarms: string }> = {
    aws: { frontEnd: "API Gateway HTTP API", queue: "SQS", deadLetter: "SQS DLQ", function: "Lambda", vm: "EC2 Auto Scaling", datastore: "DynamoDB", alarms: "CloudWatch alarms -> SNS" },
    azure: { frontEnd: "Function App (HTTP)", queue: "Service Bus", deadLetter: "$deadletterqueue", function: "Function App", vm: "VM Scale Set", datastore: "Cosmos DB", alarms: "Azure Monitor -> action group" },
    gcp: { frontEnd: "Cloud Functions (HTTP)", queue: "Pub/Sub", deadLetter: "dead-letter topic", function: "Cloud Functions", vm: "managed instance group", datastore: "Firestore", alarms: "Cloud Monitoring -> email" },
    local: { frontEnd: "HTTP on localhost", queue: "SQLite queue", deadLetter: "DLQ table", function: "in-process pool", vm: "worker processes", datastore: "SQLite", alarms: "log lines + /metrics" },
};

/** A Mermaid node id from a spec name (names are [a-z0-9-]). */
const node = (kind: string, name: string) => `${kind}_${name.replace(/[^A-Za-z0-9]/g, "_")}`;

/**
 * The stack as a Mermaid flowchart: front end -> each queue (with its dead-letter queue after
 * maxReceiveCount deliveries) -> the workers consuming it -> the datastore, and the alarms
 * watching every dead-letter queue and backlog. Paste it into any Markdown that renders Mermaid.
 */
export function mermaidDiagram(spec: Spec, cloud: Cloud): string {
    const s = services[cloud];
    const lines = ["flowchart LR", `    frontEnd["front end<br/>${s.frontEnd}"]`, `    datastore[("datastore<br/>${s.datastore}")]`];
    lines.push(`    alarms{{"alarms<br/>${s.alarms}<br/>dead letters >= ${spec.alarms.deadLetterDepth}, oldest >= ${spec.alarms.oldestMessageAgeSeconds} s"}}`);
    for (const queue of spec.queues) {
        const q = node("queue", queue.name);
        const dlq = node("dlq", queue.name);
        lines.push(`    ${q}[["queue ${queue.name}<br/>${s.queue}${queue.ordering === "fifo" ? " FIFO" : ""}"]]`);
        lines.push(`    ${dlq}[("${queue.name} dead letters<br/>${s.deadLetter}")]`);
        lines.push(`    frontEnd --> ${q}`);
        lines.push(`    ${q} -.->|"after ${queue.maxReceiveCount} deliveries"| ${dlq}`);
        lines.push(`    ${dlq} -.->|depth| alarms`, `    ${q} -.->|"backlog age"| alarms`);
    }
    for (const worker of spec.workers) {
        const w = node("worker", worker.name);
        lines.push(`    ${w}["worker ${worker.name}<br/>${worker.kind === "vm" ? s.vm : s.function}"]`);
        lines.push(`    ${node("queue", worker.queue)} --> ${w}`, `    ${w} --> datastore`, `    ${w} -.->|errors| alarms`);
    }
    return lines.join("\n");
}
