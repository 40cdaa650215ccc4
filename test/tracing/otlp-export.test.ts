import { strict as assert } from "node:assert";
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { rmSync } from "node:fs";
import * as path from "node:path";
import { repoRoot, waitFor, writeStack } from "../local/helpers";

interface OtlpSpan { name: string; kind: number; traceId: string; attributes: { key: string; value: { stringValue?: string; intValue?: number | string } }[] }
interface OtlpRequest { resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeSpans: { scope: { name: string }; spans: OtlpSpan[] }[] }[] }

describe("tracing export: npm start sends spans to the OTLP/HTTP endpoint named by OTEL_EXPORTER_OTLP_ENDPOINT", function () {
    this.timeout(40_000);
    const received: OtlpRequest[] = [];
    const paths: string[] = [];
    let receiver: Server;
    let runner: ChildProcess | undefined;
    let dir: string;

    before(async () => {
        receiver = createServer((request, response) => {
            let body = "";
            request.on("data", (chunk: Buffer) => (body += chunk.toString()));
            request.on("end", () => {
                paths.push(`${request.method} ${request.url} ${request.headers["content-type"]}`);
                received.push(JSON.parse(body) as OtlpRequest);
                response.writeHead(200, { "content-type": "application/json" }).end("{}");
            });
        });
        await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
        dir = writeStack("otlp", {
            name: "exported",
            frontEnd: { auth: "none" },
            queues: [{ name: "work" }],
            workers: [{ name: "echo", queue: "work", code: path.join(repoRoot, "test", "local", "fixtures", "echo-worker"), idempotency: { enabled: false } }],
        });
    });
    after(async () => {
        if (runner && runner.exitCode === null) {
            runner.kill("SIGTERM");
            await new Promise((resolve) => runner!.once("exit", resolve));
        }
        await new Promise((resolve) => receiver.close(resolve));
        rmSync(dir, { recursive: true, force: true });
    });

    it("exports the accept, send, process and settle spans of a job as one trace, with OTEL_SERVICE_NAME", async () => {
        const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
        // npm start's script: node with tsx's loader running local/main.ts.
        runner = spawn(process.execPath, ["--import", "tsx", path.join(repoRoot, "local", "main.ts"), "--stack", "otlp", "--dir", dir, "--port", "0"], {
            cwd: repoRoot,
            stdio: ["ignore", "pipe", "pipe"],
            env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SERVICE_NAME: "portfolio-local", OTEL_BSP_SCHEDULE_DELAY: "100" },
        });
        let output = "";
        runner.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
        runner.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
        const url = await waitFor("the runner's URL", () => /Front end: (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1], 20_000);
        const response = await fetch(`${url}/queues/work/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"n":1}' });
        assert.equal(response.status, 202);
        const { messageId } = (await response.json()) as { messageId: string };

        const spans = await waitFor("the exported ack span", () => {
            const all = received.flatMap((r) => r.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((span) => ({ span, scope: ss.scope.name, resource: rs.resource })))));
            return all.some(({ span }) => span.name === "ack work") ? all : undefined;
        }, 15_000);
        assert.deepEqual(spans.map(({ span }) => span.name).sort(), ["POST /queues/{queue}/messages", "ack work", "process work", "send work"]);
        assert.equal(new Set(spans.map(({ span }) => span.traceId)).size, 1, "one trace");
        assert.deepEqual([...new Set(spans.map(({ scope }) => scope))], ["queuestack"]);
        const serviceNames = spans.map(({ resource }) => resource.attributes.find((a) => a.key === "service.name")?.value.stringValue);
        assert.deepEqual([...new Set(serviceNames)], ["portfolio-local"]);
        const attempt = spans.find(({ span }) => span.name === "process work")!.span;
        assert.equal(attempt.attributes.find((a) => a.key === "messaging.message.id")?.value.stringValue, messageId);
        assert.ok(paths.every((p) => p === "POST /v1/traces application/json"), paths.join("; "));
    });
});
