import type { PlannedResource } from "../components/testing/offline";

/** Inputs worth showing per resource type (the rest are in `--format json`). */
const keyInputs: Record<string, string[]> = {
    "aws:sqs/queue:Queue": ["name", "fifoQueue", "visibilityTimeoutSeconds", "messageRetentionSeconds", "redrivePolicy"],
    "aws:lambda/function:Function": ["name", "runtime", "timeout", "memorySize"],
    "aws:lambda/eventSourceMapping:EventSourceMapping": ["batchSize", "functionResponseTypes", "scalingConfig"],
    "aws:dynamodb/table:Table": ["name", "billingMode", "ttl", "pointInTimeRecovery"],
    "aws:cloudwatch/metricAlarm:MetricAlarm": ["metricName", "dimensions", "threshold"],
    "aws:autoscaling/group:Group": ["name", "minSize", "maxSize"],
    "aws:ec2/launchTemplate:LaunchTemplate": ["instanceType", "metadataOptions"],
};

const hidden = new Set(["tags", "code", "userData", "policy", "dashboardBody", "assumeRolePolicy", "content", "secretString", "environment"]);

function show(value: unknown): string {
    const text = typeof value === "string" ? value : JSON.stringify(value);
    return text.length > 90 ? `${text.slice(0, 87)}...` : text;
}

/** `key=value` pairs for one resource's most telling inputs. */
export function summarizeInputs(resource: PlannedResource): string {
    const keys = keyInputs[resource.type] ?? Object.keys(resource.inputs).filter((k) => !hidden.has(k) && !k.startsWith("__")).slice(0, 4);
    return keys
        .filter((k) => resource.inputs[k] !== undefined)
        .map((k) => `${k}=${show(resource.inputs[k])}`)
        .join("  ");
}

/** The resources as a tree under their parents, one line each: type, name, key inputs. */
export function planTree(resources: PlannedResource[]): string {
    const children = new Map<string | undefined, PlannedResource[]>();
    for (const r of resources) children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
    const lines: string[] = [];
    const walk = (parent: string | undefined, indent: string) => {
        const list = children.get(parent) ?? [];
        list.forEach((r, i) => {
            const last = i === list.length - 1;
            const branch = parent === undefined ? "" : last ? "└─ " : "├─ ";
            const inputs = r.custom ? summarizeInputs(r) : "";
            lines.push(`${indent}${branch}${r.type}  ${r.name}${inputs ? `  ${inputs}` : ""}`);
            walk(r.name, parent === undefined ? indent : indent + (last ? "   " : "│  "));
        });
    };
    walk(undefined, "");
    return lines.join("\n");
}

/** Resource counts per type, most first. */
export function countByType(resources: PlannedResource[]): [string, number][] {
    const counts = new Map<string, number>();
    for (const r of resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}
