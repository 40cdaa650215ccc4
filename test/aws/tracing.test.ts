import { strict as assert } from "node:assert";
import { FunctionWorker } from "../../components/aws/workers-function";
import { checkSpec, type TracingSpec } from "../../components/spec";
import { runOffline } from "../../components/testing/offline";
import { jsonInput, one } from "../helpers/resources";

const queueArn = "arn:aws:sqs:eu-west-1:123456789012:shop-dev-jobs";
const tableArn = "arn:aws:dynamodb:eu-west-1:123456789012:table/shop-dev-data";
const layer = "arn:aws:lambda:eu-west-1:901920570463:layer:aws-otel-nodejs-amd64-ver-1-30-1:1";

const plan = (tracing?: TracingSpec) =>
    runOffline(() =>
        new FunctionWorker("resize", {
            namePrefix: ["shop", "dev"],
            ...(tracing ? { tracing } : {}),
            worker: { name: "resize", queue: "jobs", idempotency: { enabled: false } },
            queue: { url: "https://sqs.eu-west-1.amazonaws.com/123456789012/shop-dev-jobs", arn: queueArn, queueName: "shop-dev-jobs" },
            table: { tableName: "shop-dev-data", tableArn },
            visibilityTimeoutSeconds: 180,
        }),
    );

const variables = (fn: { inputs: Record<string, unknown> }) => (fn.inputs.environment as { variables: Record<string, string> }).variables;

describe("aws tracing export (spec tracing)", () => {
    it("with tracing on: X-Ray active tracing, the ADOT collector layer, OTEL_* pointing at it, and X-Ray write on the role", async () => {
        const { resources } = await plan({ enabled: true, awsLambdaLayerArn: layer });
        const fn = one(resources, "aws:lambda/function:Function");
        assert.deepEqual(fn.inputs.tracingConfig, { mode: "Active" });
        assert.deepEqual(fn.inputs.layers, [layer]);
        const otel = Object.fromEntries(Object.entries(variables(fn)).filter(([name]) => name.startsWith("OTEL_")));
        assert.deepEqual(otel, { OTEL_EXPORTER_OTLP_ENDPOINT: "http://localhost:4318", OTEL_SERVICE_NAME: "shop-dev-resize" });
        const statements = jsonInput(one(resources, "aws:iam/rolePolicy:RolePolicy"), "policy").Statement as { Sid: string }[];
        assert.deepEqual(statements.find((s) => s.Sid === "WriteTraces"), { Sid: "WriteTraces", Effect: "Allow", Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Resource: "*" });
        assert.deepEqual(statements.map((s) => s.Sid), ["OwnLogs", "ConsumeOwnQueue", "WriteOwnTable", "WriteTraces"]);
    });

    it("with an endpoint of its own: OTEL_EXPORTER_OTLP_ENDPOINT is that endpoint and no layer is added", async () => {
        const { resources } = await plan({ enabled: true, endpoint: "https://collector.example.com:4318" });
        const fn = one(resources, "aws:lambda/function:Function");
        assert.equal(variables(fn).OTEL_EXPORTER_OTLP_ENDPOINT, "https://collector.example.com:4318");
        assert.equal(fn.inputs.layers, undefined);
        assert.deepEqual(fn.inputs.tracingConfig, { mode: "Active" });
    });

    for (const [label, tracing] of [["by default", undefined], ["when disabled", { enabled: false, awsLambdaLayerArn: layer }]] as const) {
        it(`${label}: no active tracing, no layer, no OTEL_* variable and no X-Ray permission`, async () => {
            const { resources } = await plan(tracing);
            const fn = one(resources, "aws:lambda/function:Function");
            assert.equal(fn.inputs.tracingConfig, undefined);
            assert.equal(fn.inputs.layers, undefined);
            assert.deepEqual(Object.keys(variables(fn)).filter((name) => name.startsWith("OTEL_")), []);
            assert.ok(!JSON.stringify(jsonInput(one(resources, "aws:iam/rolePolicy:RolePolicy"), "policy")).includes("xray:"));
        });
    }

    it("refuses tracing without anywhere to export, naming the fix per cloud", () => {
        const spec = { name: "shop", queues: [{ name: "jobs" }], tracing: { enabled: true } };
        const messages = (cloud: "aws" | "azure" | "gcp") => checkSpec(spec, cloud).issues.map((i) => `${i.path.join(".")}: ${i.rule}. ${i.fix}`);
        assert.deepEqual(messages("aws"), ["tracing.endpoint: is required when tracing is enabled. Set tracing.awsLambdaLayerArn to the ADOT Lambda layer of your region (its collector exports to X-Ray), or tracing.endpoint to your collector."]);
        assert.deepEqual(messages("azure"), ["tracing.endpoint: is required when tracing is enabled. Set tracing.endpoint to an OTLP/HTTP collector that exports to Application Insights, or turn tracing off."]);
        assert.deepEqual(messages("gcp"), ["tracing.endpoint: is required when tracing is enabled. Set tracing.endpoint to an OTLP/HTTP collector that exports to Cloud Trace, or turn tracing off."]);
        assert.deepEqual(checkSpec({ ...spec, tracing: { enabled: true, awsLambdaLayerArn: layer } }, "aws").issues, []);
    });
});
