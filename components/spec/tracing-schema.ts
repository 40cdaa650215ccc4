import { z } from "zod";
import type { Cloud } from "./clouds";
import type { SpecIssue } from "./issues";
import { ruleWithFix } from "./zod-issues";

/**
 * Exporting each job's trace (OpenTelemetry, OTLP/HTTP) from the deployed stack; see docs/tracing.md.
 * Off by default: the runtime's spans are then no-ops, nothing is exported and no permission is granted.
 */
export const tracingSchema = z
    .strictObject({
        /**
         * Export traces from the front end and the workers.
         * @default false
         * - aws: Lambda active tracing, the collector layer below, `xray:PutTraceSegments` and
         *   `xray:PutTelemetryRecords` on each function's role
         * - azure, gcp: the OTEL_* variables pointing at `endpoint`
         * - local: not read (`npm start -- --trace` records traces locally)
         */
        enabled: z.boolean().default(false).describe("Export each job's trace. Default false."),
        /**
         * OTLP/HTTP endpoint every function and VM exports to (`OTEL_EXPORTER_OTLP_ENDPOINT`; spans go to `<endpoint>/v1/traces`).
         * @default aws: http://localhost:4318, the collector of `awsLambdaLayerArn`; azure, gcp: none (required when enabled),
         * e.g. an OpenTelemetry Collector exporting to Application Insights or Cloud Trace
         */
        endpoint: z.url({ protocol: /^https?$/, error: ruleWithFix("must be an http(s) URL", 'Write e.g. "http://collector.internal:4318".') })
            .optional().describe("OTLP/HTTP endpoint. Default on aws: the collector layer's http://localhost:4318."),
        /**
         * aws: ARN of the AWS Distro for OpenTelemetry (ADOT) Lambda layer added to every function; its
         * collector listens on localhost:4318 and, by its default configuration, exports to X-Ray
         * (https://aws-otel.github.io/docs/getting-started/lambda/lambda-custom-configuration). Must be
         * in the stack's region. @default none (required on aws when enabled without `endpoint`)
         */
        awsLambdaLayerArn: z.string().regex(/^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:layer:[A-Za-z0-9_-]+:\d+$/, {
            error: ruleWithFix("must be a Lambda layer version ARN", 'Write e.g. "arn:aws:lambda:eu-west-1:901920570463:layer:aws-otel-nodejs-amd64-ver-1-30-1:1".'),
        }).optional().describe("aws: the ADOT Lambda layer version ARN (collector to X-Ray)."),
    })
    .describe("Trace export from the deployed stack.");

export type TracingSpec = z.output<typeof tracingSchema>;

/** Where a stack with tracing on exports: an endpoint, or on aws the collector layer. */
export function tracingRule(tracing: TracingSpec, cloud: Cloud): SpecIssue[] {
    if (!tracing.enabled || tracing.endpoint !== undefined) return [];
    if (cloud === "aws" && tracing.awsLambdaLayerArn !== undefined) return [];
    const fix = cloud === "aws"
        ? "Set tracing.awsLambdaLayerArn to the ADOT Lambda layer of your region (its collector exports to X-Ray), or tracing.endpoint to your collector."
        : `Set tracing.endpoint to an OTLP/HTTP collector that exports to ${cloud === "azure" ? "Application Insights" : "Cloud Trace"}, or turn tracing off.`;
    return [{ path: ["tracing", "endpoint"], rule: "is required when tracing is enabled", received: undefined, fix }];
}
