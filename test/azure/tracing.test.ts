import { strict as assert } from "node:assert";
import { FunctionWorker } from "../../components/azure/workers-function";
import type { TracingSpec } from "../../components/spec";
import { runOffline } from "../../components/testing/offline";
import { one } from "../helpers/resources";
import { appInsights, datastoreRef, fixedCode, global, queueRef, settingsOf, where } from "./fixtures";

const otelOf = async (tracing?: TracingSpec) => {
    const { resources } = await runOffline(() =>
        new FunctionWorker("resize", {
            ...where,
            ...global,
            ...(tracing ? { tracing } : {}),
            appInsights,
            worker: { name: "resize", queue: "jobs" },
            queue: { ...queueRef, sessions: false },
            datastore: datastoreRef,
            timeoutSeconds: 45,
            resultTtlDays: 7,
            code: fixedCode.functionWorker("workers/example"),
        }),
    );
    const settings = settingsOf(resources, one(resources, "azure-native:web:WebApp"));
    return { otel: Object.fromEntries(Object.entries(settings).filter(([name]) => name.startsWith("OTEL_"))), appName: one(resources, "azure-native:web:WebApp").inputs.name };
};

describe("azure tracing export (spec tracing)", () => {
    it("with tracing on, points the app's OTLP exporter at tracing.endpoint with the app's name as service.name", async () => {
        const { otel, appName } = await otelOf({ enabled: true, endpoint: "https://collector.internal:4318" });
        assert.deepEqual(otel, { OTEL_EXPORTER_OTLP_ENDPOINT: "https://collector.internal:4318", OTEL_SERVICE_NAME: appName });
    });

    it("by default and when disabled, sets no OTEL_* setting", async () => {
        assert.deepEqual((await otelOf()).otel, {});
        assert.deepEqual((await otelOf({ enabled: false, endpoint: "https://collector.internal:4318" })).otel, {});
    });
});
