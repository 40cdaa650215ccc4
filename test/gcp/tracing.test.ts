import { strict as assert } from "node:assert";
import { FunctionWorker } from "../../components/gcp";
import type { TracingSpec } from "../../components/spec";
import { one } from "../helpers/resources";
import { database, handlerCode } from "./fixtures";
import { runGcp } from "./offline-gcp";

const worker = { name: "scraper", queue: "scrape", concurrency: 5, timeoutSeconds: 60 };
const make = (tracing?: TracingSpec) => () => new FunctionWorker("scraper", { worker, queueName: "scrape", database, sourceBucket: "src-bucket", ackDeadlineSeconds: 360, code: handlerCode, ...(tracing ? { tracing } : {}) });
const otelOf = async (tracing?: TracingSpec) => {
    const { resources } = await runGcp(make(tracing));
    const variables = (one(resources, "gcp:cloudfunctionsv2/function:Function").inputs as { serviceConfig: { environmentVariables: Record<string, string> } }).serviceConfig.environmentVariables;
    return Object.fromEntries(Object.entries(variables).filter(([name]) => name.startsWith("OTEL_")));
};

describe("gcp tracing export (spec tracing)", () => {
    it("with tracing on, points the function's OTLP exporter at tracing.endpoint with the function's name as service.name", async () => {
        assert.deepEqual(await otelOf({ enabled: true, endpoint: "https://collector.internal:4318" }), {
            OTEL_EXPORTER_OTLP_ENDPOINT: "https://collector.internal:4318",
            OTEL_SERVICE_NAME: "queuestack-test-scraper",
        });
    });

    it("by default and when disabled, sets no OTEL_* variable", async () => {
        assert.deepEqual(await otelOf(), {});
        assert.deepEqual(await otelOf({ enabled: false, endpoint: "https://collector.internal:4318" }), {});
    });
});
