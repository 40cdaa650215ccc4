import { strict as assert } from "node:assert";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { trace } from "@opentelemetry/api";
import { ConfigError } from "../../workers/runtime/errors";
import { startTracing } from "../../workers/runtime/tracing";
import { otlpExporter } from "../../workers/runtime/tracing/otlp-exporter";

interface Seen { path: string; headers: IncomingHttpHeaders; body: string }

/** An HTTP server on 127.0.0.1 that records each request and answers with `answer(path)`. */
async function recorder(answer: (path: string) => { status: number; body: string }) {
    const seen: Seen[] = [];
    const server: Server = createServer((request, response) => {
        let body = "";
        request.on("data", (chunk: Buffer) => (body += chunk.toString()));
        request.on("end", () => {
            seen.push({ path: request.url ?? "", headers: request.headers, body });
            const { status, body: text } = answer(request.url ?? "");
            response.writeHead(status, { "content-type": "application/json" }).end(text);
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { seen, hostPort: `127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe("tracing export to Cloud Trace: QUEUESTACK_OTLP_AUTH=google sends the service account's metadata-server token with every export", function () {
    this.timeout(20_000);

    it("asks the metadata server (Metadata-Flavor: Google) once and sends `Authorization: Bearer <token>` to <endpoint>/v1/traces", async () => {
        const metadata = await recorder(() => ({ status: 200, body: JSON.stringify({ access_token: "token-1", expires_in: 3599, token_type: "Bearer" }) }));
        const telemetry = await recorder(() => ({ status: 200, body: "{}" }));
        const tracing = startTracing({
            serviceName: "auth-test",
            env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://${telemetry.hostPort}`, QUEUESTACK_OTLP_AUTH: "google", GCE_METADATA_HOST: metadata.hostPort },
        });
        try {
            for (const name of ["first", "second"]) {
                trace.getTracer("test").startSpan(name).end();
                await tracing!.flush();
            }
            assert.deepEqual(metadata.seen.map((r) => [r.path, r.headers["metadata-flavor"]]), [["/computeMetadata/v1/instance/service-accounts/default/token", "Google"]]);
            assert.deepEqual(telemetry.seen.map((r) => [r.path, r.headers.authorization, r.headers["content-type"]]), [
                ["/v1/traces", "Bearer token-1", "application/json"],
                ["/v1/traces", "Bearer token-1", "application/json"],
            ]);
            assert.deepEqual(telemetry.seen.map((r) => (JSON.parse(r.body) as { resourceSpans: { scopeSpans: { spans: { name: string }[] }[] }[] }).resourceSpans[0]!.scopeSpans[0]!.spans.map((s) => s.name)), [["first"], ["second"]]);
        } finally {
            await tracing!.shutdown();
            await Promise.all([metadata.close(), telemetry.close()]);
        }
    });

    it("without QUEUESTACK_OTLP_AUTH sends no Authorization header (a collector of the user's)", async () => {
        const collector = await recorder(() => ({ status: 200, body: "{}" }));
        const tracing = startTracing({ serviceName: "auth-test", env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://${collector.hostPort}` } });
        try {
            trace.getTracer("test").startSpan("plain").end();
            await tracing!.flush();
            assert.deepEqual(collector.seen.map((r) => [r.path, r.headers.authorization]), [["/v1/traces", undefined]]);
        } finally {
            await tracing!.shutdown();
            await collector.close();
        }
    });

    it("fails the export, sending nothing, when the metadata server refuses the token", async () => {
        const telemetry = await recorder(() => ({ status: 200, body: "{}" }));
        const exporter = otlpExporter({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://${telemetry.hostPort}`, QUEUESTACK_OTLP_AUTH: "google" }, () => Promise.reject(new Error("metadata server token request failed: 404")));
        try {
            const result = await new Promise<{ code: number; error?: Error }>((resolve) => exporter.export([], resolve));
            assert.deepEqual([result.code, result.error?.message], [1, "metadata server token request failed: 404"]);
            assert.equal(telemetry.seen.length, 0);
        } finally {
            await exporter.shutdown();
            await telemetry.close();
        }
    });

    it("refuses an unknown QUEUESTACK_OTLP_AUTH, naming the value and the fix", () => {
        assert.throws(() => otlpExporter({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:1", QUEUESTACK_OTLP_AUTH: "aws" }), (error: unknown) => {
            assert.ok(error instanceof ConfigError);
            assert.equal(error.message, 'QUEUESTACK_OTLP_AUTH must be "google" or unset (got "aws"): how the trace exporter authenticates to its endpoint. Unset it to export to a collector without credentials.');
            return true;
        });
    });
});
