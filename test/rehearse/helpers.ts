import { strict as assert } from "node:assert";
import type { Check, PlannedStack, Report } from "../../rehearse";
import type { PlannedResource } from "../../rehearse/plan";

/** The report's row named `name` (fails the test listing every row when there is none). */
export const row = (report: Report, name: string): Check => {
    const found = report.checks.find((c) => c.name === name);
    assert.ok(found, `no row "${name}" in ${JSON.stringify(report.checks.map((c) => c.name))}`);
    return found;
};

/** A copy of the plan with `change` applied to the inputs of every resource `pick` selects (exactly `count`). */
export function broken(planned: PlannedStack, count: number, pick: (r: PlannedResource) => boolean, change: (inputs: Record<string, unknown>) => Record<string, unknown>): PlannedStack {
    let changed = 0;
    const resources = planned.resources.map((r) => {
        if (!pick(r)) return r;
        changed++;
        return { ...r, inputs: change({ ...r.inputs }) };
    });
    assert.equal(changed, count, "the test changes the planned resources it means to");
    // Without replan: the emulator paths and the single-plan contracts only.
    return { ...planned, resources, replan: undefined };
}
