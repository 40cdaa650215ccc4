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
