import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { specJsonSchema, stackConfigJsonSchema } from "../components/spec";

/** The JSON Schema files editors use for stack files, relative to the repository root. */
export const schemaFiles = {
    "schema/spec.schema.json": specJsonSchema,
    "schema/stack-config.schema.json": stackConfigJsonSchema,
};

/** The text written for one schema file (stable, so a diff shows real changes only). */
export const schemaText = (make: () => Record<string, unknown>) => `${JSON.stringify(make(), null, 2)}\n`;

if (require.main === module) {
    const root = path.resolve(__dirname, "..");
    for (const [file, make] of Object.entries(schemaFiles)) {
        mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        writeFileSync(path.join(root, file), schemaText(make));
        console.log(`wrote ${file}`);
    }
}
