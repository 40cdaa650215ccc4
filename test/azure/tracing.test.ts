import { strict as assert } from "node:assert";
import { AzureWebQueueWorker } from "../../components/azure";
import { FunctionWorker } from "../../components/azure/workers-function";
import type { TracingSpec } from "../../components/spec";
import { type PlannedResource, runOffline } from "../../components/testing/offline";
import { ofType, one } from "../helpers/resources";
import { everyCloudSpec } from "../helpers/specs";
import { appInsights, datastoreRef, fixedCode, global, mockedIdOf, queueRef, roleId, settingsOf, where } from "./fixtures";

/** The trace export settings of an environment: OTEL_* and QUEUESTACK_TRACE_EXPORTER. */
const exportSettings = (settings: Record<string, string>) => Object.fromEntries(Object.entries(settings).filter(([name]) => name.startsWith("OTEL_") || name === "QUEUESTACK_TRACE_EXPORTER"));

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
    return { otel: exportSettings(settings), connectionString: settings.APPLICATIONINSIGHTS_CONNECTION_STRING, appName: one(resources, "azure-native:web:WebApp").inputs.name };
};

describe("azure tracing export (spec tracing)", function () {
    this.timeout(60_000);

    it("with tracing on and no endpoint, sends the app's spans to the stack's Application Insights (its connection string, cloud role = the app's name)", async () => {
        const { otel, appName, connectionString } = await otelOf({ enabled: true });
        assert.deepEqual(otel, { OTEL_SERVICE_NAME: appName, QUEUESTACK_TRACE_EXPORTER: "azure-monitor" });
        assert.equal(connectionString, appInsights.connectionString);
    });

    it("with tracing.endpoint, points the app's OTLP exporter at it with the app's name as service.name", async () => {
        const { otel, appName } = await otelOf({ enabled: true, endpoint: "https://collector.internal:4318" });
        assert.deepEqual(otel, { OTEL_EXPORTER_OTLP_ENDPOINT: "https://collector.internal:4318", OTEL_SERVICE_NAME: appName });
    });

    it("by default and when disabled, sets no export setting", async () => {
        assert.deepEqual((await otelOf()).otel, {});
        assert.deepEqual((await otelOf({ enabled: false, endpoint: "https://collector.internal:4318" })).otel, {});
    });

    describe("whole stack", () => {
        const plan = async (tracing?: TracingSpec) =>
            (await runOffline(() => new AzureWebQueueWorker("portfolio", { spec: { ...everyCloudSpec, ...(tracing ? { tracing } : {}) }, code: fixedCode }), { stack: "dev", config: { "azure-native:location": "westeurope" } })).resources;
        const bootScript = (resources: PlannedResource[]) =>
            Buffer.from((one(resources, "azure-native:compute:VirtualMachineScaleSet").inputs as { virtualMachineProfile: { osProfile: { customData: string } } }).virtualMachineProfile.osProfile.customData, "base64").toString();
        const exportLines = (script: string) => script.split("\n").filter((line) => /^(OTEL_|QUEUESTACK_TRACE_EXPORTER=|APPLICATIONINSIGHTS_CONNECTION_STRING=)/.test(line));
        const traceGrants = (resources: PlannedResource[]) => ofType(resources, "azure-native:authorization:RoleAssignment").filter((r) => r.name.endsWith("-write-traces"));

        it("with tracing on: both Function Apps and the VM worker send to Application Insights; the VM identity gets Monitoring Metrics Publisher on it", async () => {
            const resources = await plan({ enabled: true });
            const apps = Object.fromEntries(ofType(resources, "azure-native:web:WebApp").map((site) => [site.name, exportSettings(settingsOf(resources, site))]));
            const appName = (name: string) => one(resources, "azure-native:web:WebApp", name).inputs.name as string;
            assert.deepEqual(apps, {
                "portfolio-scraper-functions-site": { OTEL_SERVICE_NAME: appName("portfolio-scraper-functions-site"), QUEUESTACK_TRACE_EXPORTER: "azure-monitor" },
                "portfolio-front-end-functions-site": { OTEL_SERVICE_NAME: appName("portfolio-front-end-functions-site"), QUEUESTACK_TRACE_EXPORTER: "azure-monitor" },
            });
            const idOf = await mockedIdOf();
            const insights = one(resources, "azure-native:applicationinsights:Component");
            const lines = exportLines(bootScript(resources));
            assert.equal(lines.length, 3, lines.join("\n"));
            assert.match(lines[0]!, /^APPLICATIONINSIGHTS_CONNECTION_STRING="InstrumentationKey=/);
            assert.deepEqual(lines.slice(1), ['OTEL_SERVICE_NAME="portfolio-dev-worker-publisher"', 'QUEUESTACK_TRACE_EXPORTER="azure-monitor"']);
            assert.deepEqual(traceGrants(resources).map((r) => [r.name, r.inputs.roleDefinitionId, r.inputs.scope]), [
                ["portfolio-publisher-write-traces", roleId("3913510d-42f4-4e42-8a64-420c390055eb"), idOf(insights)],
            ]);
        });

        it("by default: no export setting anywhere, no connection string on the VM, no trace grant", async () => {
            const resources = await plan();
            for (const site of ofType(resources, "azure-native:web:WebApp")) assert.deepEqual(exportSettings(settingsOf(resources, site)), {}, site.name);
            assert.deepEqual(exportLines(bootScript(resources)), []);
            assert.deepEqual(traceGrants(resources), []);
        });
    });
});
