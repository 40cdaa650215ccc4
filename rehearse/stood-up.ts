import type { PlannedResource } from "./plan";
import type { Check } from "./report";

/**
 * A "not rehearsed" row naming every planned resource type (with counts) that was neither stood up
 * on an emulator nor played by the rehearsal itself; none when all were.
 */
export function notStoodUp(resources: PlannedResource[], played: Set<string>, created: Map<string, number>, name: string): Check[] {
    const skipped = new Map<string, number>();
    for (const r of resources) if (r.custom && !played.has(r.type) && !created.has(r.type)) skipped.set(r.type, (skipped.get(r.type) ?? 0) + 1);
    if (!skipped.size) return [];
    const rows = [...skipped].map(([type, n]) => [type.split(":").pop()!, n] as const).sort(([a], [b]) => a.localeCompare(b));
    return [{ kind: "not rehearsed", name, status: "skip", detail: rows.map(([type, n]) => `${n} ${type}`).join(", ") }];
}
