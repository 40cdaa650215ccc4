import type { Cloud } from "./clouds";
import { consumersOf } from "./derive";
import type { SpecIssue } from "./issues";
import type { Spec } from "./schema";

const issue = (path: SpecIssue["path"], rule: string, received: unknown, fix: string): SpecIssue => ({ path, rule, received, fix });

/**
 * Pub/Sub rules. A function worker receives its queue by push: the subscription posts every message
 * to that one function, so nothing else can consume it, and exactly-once delivery (pull only) is off.
 * A regional instance group runs in one subnetwork.
 */
export function gcpRules(spec: Spec, cloud: Cloud): SpecIssue[] {
    if (cloud !== "gcp") return [];
    const problems: SpecIssue[] = [];
    spec.queues.forEach((q, i) => {
        const consumers = consumersOf(spec, q.name);
        const pushed = consumers.find((w) => w.kind === "function");
        if (!pushed) return;
        for (const other of consumers.filter((w) => w !== pushed)) {
            problems.push(issue(["workers", spec.workers.indexOf(other), "queue"],
                `must not name queue "${q.name}" on gcp: function worker "${pushed.name}" receives it by push`, other.queue,
                "Give each function worker its own queue, or make every consumer of this queue kind: vm (they share the pull subscription)."));
        }
        if (q.deduplication) {
            problems.push(issue(["queues", i, "deduplication"],
                `needs pull delivery on gcp (Pub/Sub exactly-once works on pull subscriptions only; function worker "${pushed.name}" is fed by push)`,
                q.deduplication, "Remove it (the idempotency guard still runs), or consume this queue with kind: vm workers."));
        }
    });
    const subnets = spec.network.subnetIds;
    if (subnets && subnets.length > 1 && spec.workers.some((w) => w.kind === "vm")) {
        problems.push(issue(["network", "subnetIds"], "must list one subnetwork on gcp (a regional instance group spans zones in one subnetwork)", subnets,
            "Keep one subnetwork self link."));
    }
    return problems;
}
