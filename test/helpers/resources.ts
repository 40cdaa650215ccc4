import type { PlannedResource } from "../../components/testing/offline";

/** Every recorded resource of `type`. */
export function ofType(resources: PlannedResource[], type: string): PlannedResource[] {
    return resources.filter((r) => r.type === type);
}

/** The one resource of `type` (optionally with `name`); fails listing what there is otherwise. */
export function one(resources: PlannedResource[], type: string, name?: string): PlannedResource {
    const found = ofType(resources, type).filter((r) => name === undefined || r.name === name);
    if (found.length !== 1) {
        throw new Error(`expected exactly one ${type}${name ? ` named ${name}` : ""}, found ${found.length}: ${found.map((r) => r.name).join(", ") || "none"}`);
    }
    return found[0];
}

/** A resource's inputs parsed from a JSON string input (policies, redrive policies, dashboards). */
export function jsonInput(resource: PlannedResource, key: string): any {
    const value = resource.inputs[key];
    if (typeof value !== "string") throw new Error(`${resource.name}.${key} is not a JSON string: ${JSON.stringify(value)}`);
    return JSON.parse(value);
}
