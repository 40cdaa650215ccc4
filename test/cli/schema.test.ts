import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { schemaFiles, schemaText } from "../../cli/schema";

const root = path.resolve(__dirname, "..", "..");

describe("JSON Schema for editors", () => {
    for (const [file, make] of Object.entries(schemaFiles)) {
        it(`${file} is up to date with the spec (run npm run schema after changing it)`, () => {
            assert.equal(readFileSync(path.join(root, file), "utf8"), schemaText(make));
        });
    }

    it("describes every spec field with its default, and forbids unknown keys", () => {
        const schema = JSON.parse(readFileSync(path.join(root, "schema/spec.schema.json"), "utf8"));
        const queue = schema.properties.queues.items;
        assert.equal(queue.additionalProperties, false);
        assert.equal(queue.properties.maxReceiveCount.default, 5);
        assert.match(queue.properties.maxReceiveCount.description, /dead-letter queue/);
        assert.deepEqual(schema.required, ["name", "queues"]);
    });

    it("points the stack files at the stack-config schema", () => {
        for (const stack of ["dev", "prod"]) {
            const text = readFileSync(path.join(root, `Pulumi.${stack}.yaml`), "utf8");
            assert.match(text, /# yaml-language-server: \$schema=\.\/schema\/stack-config\.schema\.json/);
            assert.ok(parse(text).config["queuestack:spec"]);
        }
    });
});
