import { strict as assert } from "node:assert";
import { FunctionWorker, type GcpCodeSource, GcpWebQueueWorker } from "../../components/gcp";
import type { TracingSpec } from "../../components/spec";
import type { PlannedResource } from "../../components/testing/offline";
import { ofType, one } from "../helpers/resources";
import { everyCloudSpec } from "../helpers/specs";
import { database, handlerCode } from "./fixtures";
import { runGcp } from "./offline-gcp";

const worker = { name: "scraper", queue: "scrape", concurrency: 5, timeoutSeconds: 60 };
const make = (tracing?: TracingSpec) => () => new FunctionWorker("scraper", { worker, queueName: "scrape", database, sourceBucket: "src-bucket", ackDeadlineSeconds: 360, code: handlerCode, ...(tracing ? { tracing } : {}) });
/** The trace export variables of an environment: OTEL_* and QUEUESTACK_OTLP_AUTH. */
const exportVariables = (variables: Record<string, string>) => Object.fromEntries(Object.entries(variables).filter(([name]) => name.startsWith("OTEL_") || name === "QUEUESTACK_OTLP_AUTH"));
const functionVariables = (fn: PlannedResource) => (fn.inputs as { serviceConfig: { environmentVariables: Record<string, string> } }).serviceConfig.environmentVariables;
/** Every grant of the trace writer role, as [resource name, project, member]. */
const traceGrants = (resources: PlannedResource[]) =>
    ofType(resources, "gcp:projects/iAMMember:IAMMember").filter((r) => r.inputs.role === "roles/cloudtrace.agent").map((r) => [r.name, r.inputs.project, r.inputs.member]);
const planWorker = async (tracing?: TracingSpec) => {
    const { resources } = await runGcp(make(tracing));
    return { resources, variables: exportVariables(functionVariables(one(resources, "gcp:cloudfunctionsv2/function:Function"))) };
};

/** Cloud Trace's OTLP endpoint with the function's name, its project and the metadata-token switch. */
const cloudTraceVariables = (serviceName: string) => ({
    OTEL_EXPORTER_OTLP_ENDPOINT: "https://telemetry.googleapis.com",
    OTEL_SERVICE_NAME: serviceName,
    OTEL_RESOURCE_ATTRIBUTES: "gcp.project_id=demo-project",
    QUEUESTACK_OTLP_AUTH: "google",
});

describe("gcp tracing export (spec tracing)", function () {
    this.timeout(60_000);

    it("with tracing on and no endpoint, exports straight to Cloud Trace with the function's token, and grants its account roles/cloudtrace.agent on the project", async () => {
        const { resources, variables } = await planWorker({ enabled: true });
        assert.deepEqual(variables, cloudTraceVariables("queuestack-test-scraper"));
        assert.deepEqual(traceGrants(resources), [["scraper-write-traces", "demo-project", "serviceAccount:queuestack-test-scraper-fn@demo-project.iam.gserviceaccount.com"]]);
    });

    it("with tracing.endpoint, points the OTLP exporter at it with no token and no grant", async () => {
        const { resources, variables } = await planWorker({ enabled: true, endpoint: "https://collector.internal:4318" });
        assert.deepEqual(variables, { OTEL_EXPORTER_OTLP_ENDPOINT: "https://collector.internal:4318", OTEL_SERVICE_NAME: "queuestack-test-scraper" });
        assert.deepEqual(traceGrants(resources), []);
    });

    it("by default and when disabled, sets no export variable and grants nothing", async () => {
        for (const tracing of [undefined, { enabled: false, endpoint: "https://collector.internal:4318" }]) {
            const { resources, variables } = await planWorker(tracing);
            assert.deepEqual(variables, {});
            assert.deepEqual(traceGrants(resources), []);
        }
    });

    describe("whole stack", () => {
        const code: GcpCodeSource = { pushWorker: (m) => `// push worker for ${m}`, frontEnd: () => "// front end", vmPoller: (m) => `// poller for ${m}` };
        const plan = async (tracing?: TracingSpec) => (await runGcp(() => new GcpWebQueueWorker("portfolio", { spec: { ...everyCloudSpec, ...(tracing ? { tracing } : {}) }, code }))).resources;
        const services = (resources: PlannedResource[]) => ofType(resources, "gcp:projects/service:Service").map((r) => r.inputs.service as string);

        it("with tracing on: the front end, the function worker and the VM worker export to Cloud Trace, each account may write traces, and the Telemetry and Cloud Trace APIs are on", async () => {
            const resources = await plan({ enabled: true });
            const functions = Object.fromEntries(ofType(resources, "gcp:cloudfunctionsv2/function:Function").map((fn) => [fn.inputs.name, exportVariables(functionVariables(fn))]));
            assert.deepEqual(functions, { "portfolio-test-scraper": cloudTraceVariables("portfolio-test-scraper"), "portfolio-test-front-end": cloudTraceVariables("portfolio-test-front-end") });
            const script = (one(resources, "gcp:compute/instanceTemplate:InstanceTemplate").inputs as { metadata: Record<string, string> }).metadata["startup-script"]!;
            assert.deepEqual(script.split("\n").filter((line) => /^(OTEL_|QUEUESTACK_OTLP_AUTH=)/.test(line)), [
                'OTEL_EXPORTER_OTLP_ENDPOINT="https://telemetry.googleapis.com"',
                'OTEL_SERVICE_NAME="portfolio-test-publisher"',
                'OTEL_RESOURCE_ATTRIBUTES="gcp.project_id=demo-project"',
                'QUEUESTACK_OTLP_AUTH="google"',
            ]);
            assert.deepEqual(traceGrants(resources).sort(), [
                ["portfolio-front-end-write-traces", "demo-project", "serviceAccount:portfolio-test-front-end@demo-project.iam.gserviceaccount.com"],
                ["portfolio-publisher-write-traces", "demo-project", "serviceAccount:portfolio-test-publisher-vm@demo-project.iam.gserviceaccount.com"],
                ["portfolio-scraper-write-traces", "demo-project", "serviceAccount:portfolio-test-scraper-fn@demo-project.iam.gserviceaccount.com"],
            ]);
            assert.deepEqual(services(resources).slice(-2), ["telemetry.googleapis.com", "cloudtrace.googleapis.com"]);
        });

        it("by default: no export variable anywhere, no trace grant, neither API", async () => {
            const resources = await plan();
            for (const fn of ofType(resources, "gcp:cloudfunctionsv2/function:Function")) assert.deepEqual(exportVariables(functionVariables(fn)), {}, String(fn.inputs.name));
            const script = (one(resources, "gcp:compute/instanceTemplate:InstanceTemplate").inputs as { metadata: Record<string, string> }).metadata["startup-script"]!;
            assert.doesNotMatch(script, /OTEL_|QUEUESTACK_OTLP_AUTH/);
            assert.deepEqual(traceGrants(resources), []);
            assert.deepEqual(services(resources).filter((s) => s.startsWith("telemetry.") || s.startsWith("cloudtrace.")), []);
        });
    });
});
