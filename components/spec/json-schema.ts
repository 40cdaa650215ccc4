import { z } from "zod";
import { specSchema } from "./schema";

/** The spec as JSON Schema (draft 2020-12), for editors validating `queuestack:spec` in stack files. */
export function specJsonSchema(): Record<string, unknown> {
    return {
        $id: "https://queuestack.dev/schema/spec.json",
        title: "queuestack spec",
        ...z.toJSONSchema(specSchema, { io: "input", unrepresentable: "any" }),
    };
}

/**
 * JSON Schema for a whole Pulumi.<stack>.yaml: `config` with `queuestack:cloud` and
 * `queuestack:spec` checked, other providers' keys (aws:region, ...) left open.
 */
export function stackConfigJsonSchema(): Record<string, unknown> {
    const { $schema, $id: _id, title: _title, ...spec } = specJsonSchema();
    return {
        $schema,
        $id: "https://queuestack.dev/schema/stack-config.json",
        title: "Pulumi stack file with a queuestack spec",
        type: "object",
        properties: {
            config: {
                type: "object",
                properties: {
                    "queuestack:cloud": { enum: ["aws", "azure", "gcp", "local"], description: "Target cloud. Default aws." },
                    "queuestack:spec": spec,
                },
                required: ["queuestack:spec"],
            },
        },
    };
}
