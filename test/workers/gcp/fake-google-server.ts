import { createServer, type IncomingMessage } from "node:http";

/** One request a fake server received. */
export interface RecordedRequest {
    method: string;
    /** Path and query, e.g. `/v2/projects/p/locations/l/queues/q/tasks`. */
    url: string;
    headers: IncomingMessage["headers"];
    body: Buffer;
}

/** What a fake answers: status, and a JSON value or raw bytes. */
export type FakeAnswer = { status: number; json?: unknown; bytes?: Buffer };

/** A stand-in for a Google REST API on 127.0.0.1, recording every request; `host` is what the clients' emulator host takes. */
export interface FakeGoogleServer {
    host: string;
    requests: RecordedRequest[];
    close(): Promise<void>;
}

/** Starts a fake answering each request with `answer(request)`. */
export async function startFakeGoogleServer(answer: (request: RecordedRequest) => FakeAnswer): Promise<FakeGoogleServer> {
    const requests: RecordedRequest[] = [];
    const server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (chunk: Buffer) => chunks.push(chunk));
        req.on("end", () => {
            const request = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks) };
            requests.push(request);
            const { status, json, bytes } = answer(request);
            res.writeHead(status, { "content-type": bytes ? "application/octet-stream" : "application/json" });
            res.end(bytes ?? (json === undefined ? "" : JSON.stringify(json)));
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    return { host: `127.0.0.1:${port}`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/**
 * A fake of the Cloud Storage JSON API's media upload and download, keeping objects in memory:
 * `POST /upload/storage/v1/b/<bucket>/o?uploadType=media&name=<key>` stores, `GET
 * /storage/v1/b/<bucket>/o/<key>?alt=media` returns the bytes or 404.
 */
export function fakeStorage(objects = new Map<string, Buffer>()) {
    return (request: RecordedRequest): FakeAnswer => {
        const url = new URL(request.url, "http://fake");
        const upload = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(url.pathname);
        if (request.method === "POST" && upload && url.searchParams.get("uploadType") === "media") {
            const name = url.searchParams.get("name")!;
            objects.set(`${decodeURIComponent(upload[1]!)}/${name}`, request.body);
            return { status: 200, json: { bucket: decodeURIComponent(upload[1]!), name, size: String(request.body.length) } };
        }
        const download = /^\/storage\/v1\/b\/([^/]+)\/o\/([^/]+)$/.exec(url.pathname);
        if (request.method === "GET" && download && url.searchParams.get("alt") === "media") {
            const stored = objects.get(`${decodeURIComponent(download[1]!)}/${decodeURIComponent(download[2]!)}`);
            return stored ? { status: 200, bytes: stored } : { status: 404, json: { error: { code: 404, message: "No such object", status: "NOT_FOUND" } } };
        }
        return { status: 400, json: { error: { code: 400, message: `fake storage: unexpected ${request.method} ${request.url}`, status: "INVALID_ARGUMENT" } } };
    };
}
