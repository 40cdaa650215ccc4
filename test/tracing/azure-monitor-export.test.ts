import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import type { IncomingHttpHeaders } from "node:http";
import { createServer } from "node:https";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { trace } from "@opentelemetry/api";
import { azureTraceExporters } from "../../workers/azure/trace-export";
import { ConfigError } from "../../workers/runtime/errors";
import { startTracing } from "../../workers/runtime/tracing";

describe("tracing export to Application Insights: QUEUESTACK_TRACE_EXPORTER=azure-monitor sends spans with the managed identity's token", function () {
    this.timeout(20_000);

    /**
     * The exporter sends its bearer token over HTTPS only: the ingestion stand-in serves a
     * throwaway self-signed certificate, which this test's process alone is told to accept.
     */
    let tls: { key: Buffer; cert: Buffer };
    let dir: string;
    let rejectUnauthorized: string | undefined;
    before(() => {
        dir = mkdtempSync(path.join(tmpdir(), "queuestack-ingestion-"));
        execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-days", "1", "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem")], { stdio: "ignore" });
        tls = { key: readFileSync(path.join(dir, "key.pem")), cert: readFileSync(path.join(dir, "cert.pem")) };
        rejectUnauthorized = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
        process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";
    });
    after(() => {
        if (rejectUnauthorized === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
        else process.env.NODE_TLS_REJECT_UNAUTHORIZED = rejectUnauthorized;
        rmSync(dir, { recursive: true, force: true });
    });

    it("posts each span to the connection string's ingestion endpoint with a Microsoft Entra bearer token for Azure Monitor", async () => {
        const seen: { path: string; headers: IncomingHttpHeaders; body: string }[] = [];
        const ingestion = createServer(tls, (request, response) => {
            const chunks: Buffer[] = [];
            request.on("data", (chunk: Buffer) => chunks.push(chunk));
            request.on("end", () => {
                const raw = Buffer.concat(chunks);
                seen.push({ path: request.url ?? "", headers: request.headers, body: (request.headers["content-encoding"] === "gzip" ? gunzipSync(raw) : raw).toString() });
                response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ itemsReceived: 1, itemsAccepted: 1, errors: [] }));
            });
        });
        await new Promise<void>((resolve) => ingestion.listen(0, "127.0.0.1", resolve));
        const endpoint = `https://127.0.0.1:${(ingestion.address() as AddressInfo).port}/`;
        const scopes: string[][] = [];
        const credential = { getToken: async (scope: string | string[]) => (scopes.push([scope].flat()), { token: "entra-token", expiresOnTimestamp: Date.now() + 3_600_000 }) };
        const env = { QUEUESTACK_TRACE_EXPORTER: "azure-monitor", APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=${endpoint}` };
        const tracing = startTracing({ serviceName: "shop-dev-worker", env: {}, exporters: azureTraceExporters(env, credential) });
        try {
            const span = trace.getTracer("test").startSpan("process scrape");
            span.end();
            await tracing!.flush();
            assert.deepEqual(seen.map((r) => [r.path, r.headers.authorization]), [["/v2.1/track", "Bearer entra-token"]]);
            assert.deepEqual(scopes, [["https://monitor.azure.com//.default"]]);
            // Besides the span, the exporter sends one metric envelope describing the resource.
            const envelopes = JSON.parse(seen[0]!.body) as { iKey: string; tags: Record<string, string>; data: { baseType: string; baseData: { name?: string } } }[];
            assert.deepEqual(envelopes.filter((e) => e.data.baseType !== "MetricData").map((e) => [e.iKey, e.tags["ai.cloud.role"], e.tags["ai.operation.id"], e.data.baseType, e.data.baseData.name]), [
                ["00000000-0000-0000-0000-000000000000", "shop-dev-worker", span.spanContext().traceId, "RemoteDependencyData", "process scrape"],
            ]);
        } finally {
            await tracing!.shutdown();
            await new Promise((resolve) => ingestion.close(resolve));
        }
    });

    it("adds no exporter without QUEUESTACK_TRACE_EXPORTER, and refuses an unknown one or a missing connection string, naming the fix", () => {
        assert.deepEqual(azureTraceExporters({}), []);
        assert.throws(() => azureTraceExporters({ QUEUESTACK_TRACE_EXPORTER: "xray" }), (error: unknown) => error instanceof ConfigError && error.message === 'QUEUESTACK_TRACE_EXPORTER must be "azure-monitor" or unset (got "xray"): where the worker sends its spans. Unset it to export over OTLP only.');
        assert.throws(() => azureTraceExporters({ QUEUESTACK_TRACE_EXPORTER: "azure-monitor" }), (error: unknown) => error instanceof ConfigError && error.message.startsWith("APPLICATIONINSIGHTS_CONNECTION_STRING is not set: the stack's Application Insights connection string, where traces go."));
    });
});
