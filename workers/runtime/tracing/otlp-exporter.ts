import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";
import { ConfigError } from "../errors";
import { metadataTokenUrl, processMetadataTokens, type TokenSource } from "../google-metadata-tokens";

/**
 * How the exporter authenticates to its endpoint, from QUEUESTACK_OTLP_AUTH (set by the components):
 * - unset: no credentials of its own (OTEL_EXPORTER_OTLP_HEADERS still apply), e.g. a collector;
 * - `google`: a bearer token of the runtime's service account from the metadata server on every
 *   export, as Cloud Trace's OTLP endpoint (the Telemetry API, https://telemetry.googleapis.com)
 *   asks: OAuth scope trace.append or cloud-platform
 *   (https://cloud.google.com/stackdriver/docs/reference/telemetry/api, "Authorization scopes").
 */
export const otlpAuthVariable = "QUEUESTACK_OTLP_AUTH";

/**
 * The traces URL `env` names (the exporter itself reads process.env, not a caller's `env`):
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as is, or OTEL_EXPORTER_OTLP_ENDPOINT + `/v1/traces`, as the
 * OTLP exporter spec says; undefined leaves the exporter's default (http://localhost:4318/v1/traces).
 */
function otlpUrl(env: NodeJS.ProcessEnv): { url?: string } {
    if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return { url: env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT };
    if (env.OTEL_EXPORTER_OTLP_ENDPOINT) return { url: `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, "")}/v1/traces` };
    return {};
}

/**
 * Sets `Authorization: Bearer <token>` before each export of the wrapped exporter. `headers` is the
 * object the OTLP exporter was built with: its HTTP transport reads it again for every request
 * (the legacy `headers` option is wrapped as `() => headers`), so a renewed token takes effect at
 * the next export; test/tracing/otlp-auth.test.ts proves the header reaches the receiver.
 */
class BearerTokenExporter implements SpanExporter {
    constructor(
        private readonly inner: SpanExporter,
        private readonly headers: Record<string, string>,
        private readonly tokens: TokenSource,
    ) {}

    export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
        this.tokens().then(
            (token) => {
                this.headers.Authorization = `Bearer ${token}`;
                this.inner.export(spans, done);
            },
            (error: unknown) => done({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) }),
        );
    }

    shutdown(): Promise<void> {
        return this.inner.shutdown();
    }

    forceFlush(): Promise<void> {
        return this.inner.forceFlush?.() ?? Promise.resolve();
    }
}

/** The OTLP/HTTP (JSON) span exporter the OTEL_* variables and QUEUESTACK_OTLP_AUTH describe. `tokens` replaces the metadata server (tests); otherwise the token is the one the process's Google API clients share. */
export function otlpExporter(env: NodeJS.ProcessEnv, tokens?: TokenSource): SpanExporter {
    const auth = env[otlpAuthVariable]?.trim();
    const headers: Record<string, string> = {};
    const exporter = new OTLPTraceExporter({ ...otlpUrl(env), headers });
    if (!auth) return exporter;
    if (auth !== "google") {
        throw new ConfigError(`${otlpAuthVariable} must be "google" or unset (got "${auth}"): how the trace exporter authenticates to its endpoint. Unset it to export to a collector without credentials.`);
    }
    return new BearerTokenExporter(exporter, headers, tokens ?? processMetadataTokens(metadataTokenUrl(env)));
}
