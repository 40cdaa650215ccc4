import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { CreateQueueCommand } from "@aws-sdk/client-sqs";
import type { ServiceBusMessageBatch } from "@azure/service-bus";
import { validateSpec } from "../../../components/spec";
import { SqliteWorkerStore } from "../../../local/datastore";
import { groupCommit, openDatabase } from "../../../local/engine/database";
import { QueueEngine } from "../../../local/engine/queue-engine";
import { createLocalFrontEnd } from "../../../local/front-end/server";
import { localQueues } from "../../../local/stack-settings";
import { createFrontEndHandler as awsFrontEnd } from "../../../workers/aws/front-end-handler";
import type { HttpApiEvent } from "../../../workers/aws/http";
import { createFrontEndHandler as azureFrontEnd } from "../../../workers/azure/front-end-handler";
import { createFrontEndHandler as gcpFrontEnd } from "../../../workers/gcp/front-end-handler";
import { googleApi } from "../../../workers/gcp/google-api";
import { createLogger, MemoryWorkerStore, type JobStore } from "../../../workers/runtime";
import { ServiceBusFake } from "../azure/service-bus-fake";
import { startFakeGoogleServer, type FakeGoogleServer } from "../gcp/fake-google-server";
import { response } from "../gcp/pubsub-fixtures";
import type { Moto } from "../helpers/moto";
import { depth } from "../helpers/sqs";

/** The body limit every front end under test runs with, bytes. */
export const maxBodyBytes = 64 * 1024;
/** Longest wait a sender may ask for, seconds. */
export const maxWaitSeconds = 2;
/** The one queue every front end under test has. */
export const queueName = "work";

/** An answer, as a client sees it: status and parsed JSON body. */
export interface Answer {
    status: number;
    body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/**
 * One front end behind a neutral request shape, so the same contract cases run on each: paths
 * are the neutral ones (`/queues/work/messages`, `/jobs/{id}`); the harness maps them onto the
 * cloud's request (Azure's `/api` prefix, API Gateway's route keys).
 */
export interface FrontEndUnderTest {
    name: "aws" | "azure" | "gcp" | "local";
    /** Prefix of the status paths it answers with ("/api" on Azure). */
    basePath: string;
    call(method: string, path: string, body?: Buffer, headers?: Record<string, string>, query?: Record<string, string>): Promise<Answer>;
    /** How many messages it has enqueued so far. */
    enqueued(): Promise<number>;
    /** Its job records (the datastore the worker writes). */
    jobs: JobStore;
    stop(): Promise<void>;
}

const logger = createLogger({ name: "front-end-contract", level: "silent" });

/** Splits "/queues/work/messages?wait=1" style paths for adapters that take path and query apart. */
const routeOf = (method: string, path: string): { routeKey: string; pathParameters: Record<string, string> } => {
    const enqueue = /^\/queues\/([^/]+)\/messages$/.exec(path);
    if (method === "POST" && enqueue) return { routeKey: "POST /queues/{queue}/messages", pathParameters: { queue: decodeURIComponent(enqueue[1]!) } };
    const job = /^\/jobs\/([^/]+)$/.exec(path);
    if (method === "GET" && job) return { routeKey: "GET /jobs/{id}", pathParameters: { id: decodeURIComponent(job[1]!) } };
    return { routeKey: `${method} ${path}`, pathParameters: {} };
};

/** The AWS front end (API Gateway HTTP API handler) sending to an SQS queue on moto. */
export async function awsUnderTest(moto: Moto): Promise<FrontEndUnderTest> {
    const url = (await moto.sqs.send(new CreateQueueCommand({ QueueName: `contract-${Date.now()}` }))).QueueUrl!;
    const jobs = new MemoryWorkerStore();
    const handler = awsFrontEnd({ queues: { [queueName]: { url, fifo: false } }, maxBodyBytes, maxWaitSeconds, sqs: moto.sqs, jobs, logger });
    return {
        name: "aws",
        basePath: "",
        jobs,
        call: async (method, path, body, headers = {}, query) => {
            // API Gateway hands the function a body it cannot pass as text base64-encoded.
            const event: HttpApiEvent = {
                ...routeOf(method, path),
                rawPath: path,
                headers,
                ...(query ? { queryStringParameters: query } : {}),
                ...(body ? { body: body.toString("base64"), isBase64Encoded: true } : {}),
                requestContext: { http: { method } },
            };
            const result = await handler(event);
            return { status: result.statusCode, body: JSON.parse(result.body) };
        },
        enqueued: () => depth(moto, url),
        stop: async () => {},
    };
}

/** The Azure Functions front end sending to a queue on the Service Bus fake. */
export async function azureUnderTest(): Promise<FrontEndUnderTest> {
    const bus = new ServiceBusFake();
    bus.addQueue("sbq-work", { maxDeliveryCount: 5, lockDurationMs: 1000 });
    const client = bus.client();
    const jobs = new MemoryWorkerStore();
    const handler = azureFrontEnd({
        queues: [{ name: queueName, entity: "sbq-work", sessions: false }],
        maxBodyBytes,
        maxWaitSeconds,
        jobs,
        logger,
        sender: (entity) => {
            const sender = client.createSender(entity);
            return { createMessageBatch: () => sender.createMessageBatch(), sendMessages: (batch) => sender.sendMessages(batch as ServiceBusMessageBatch) };
        },
    });
    return {
        name: "azure",
        basePath: "/api",
        jobs,
        call: async (method, path, body = Buffer.alloc(0), headers = {}, query = {}) => {
            const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
            const result = await handler({
                method,
                params: { path: path.replace(/^\//, "") },
                headers: { get: (name) => lower[name.toLowerCase()] ?? null },
                query: { get: (name) => query[name] ?? null },
                arrayBuffer: async () => new Uint8Array(body).buffer,
            });
            return { status: result.status ?? 200, body: result.jsonBody };
        },
        enqueued: async () => bus.active("sbq-work").length,
        stop: async () => {},
    };
}

/** The Cloud Functions front end publishing to a fake Pub/Sub REST API. */
export async function gcpUnderTest(): Promise<FrontEndUnderTest> {
    let published = 0;
    const pubsub: FakeGoogleServer = await startFakeGoogleServer((request) => {
        const { messages } = JSON.parse(request.body.toString("utf8")) as { messages: unknown[] };
        published += messages.length;
        return { status: 200, json: { messageIds: messages.map((_, i) => `ps-${published - messages.length + i}`) } };
    });
    const jobs = new MemoryWorkerStore();
    const handler = gcpFrontEnd({
        queues: { [queueName]: { levels: [{ topic: "projects/p/topics/work" }], ordered: false, maxDelaySeconds: 0, maxMessageKb: 256 } },
        maxBodyBytes,
        maxWaitSeconds,
        pubsub: googleApi({ baseUrl: "https://pubsub.googleapis.com", emulatorHost: pubsub.host }),
        jobs,
        logger,
    });
    return {
        name: "gcp",
        basePath: "",
        jobs,
        call: async (method, path, body, headers = {}, query = {}) => {
            const { res, answer } = response();
            await handler({ method, path, headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])), query, ...(body ? { rawBody: body } : {}) }, res);
            return { status: answer.status!, body: answer.body };
        },
        enqueued: async () => published,
        stop: () => pubsub.close(),
    };
}

/** The local front end over real HTTP on 127.0.0.1, on a SQLite queue with no workers running. */
export async function localUnderTest(): Promise<FrontEndUnderTest & { url: string }> {
    const dir = mkdtempSync(path.join(tmpdir(), "queuestack-contract-"));
    const spec = validateSpec({ name: "contract", frontEnd: { auth: "none", maxBodyKb: maxBodyBytes / 1024, maxWaitSeconds }, queues: [{ name: queueName }], workers: [{ name: "worker", queue: queueName, code: "unused" }] }, "local");
    const db = openDatabase(path.join(dir, "queuestack.db"));
    const engine = new QueueEngine(db, localQueues(spec));
    const jobs = new SqliteWorkerStore(db, engine.owner);
    const snapshot = () => ({ queues: [], inFlightByWorker: {}, outcomes: [], latencies: [], alarms: [] });
    const app = createLocalFrontEnd({ spec, engine, jobs, logger, snapshot });
    await app.listen({ host: "127.0.0.1", port: 0 });
    const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    return {
        name: "local",
        basePath: "",
        url,
        jobs,
        call: async (method, path, body, headers = {}, query = {}) => {
            const search = new URLSearchParams(query).toString();
            const answer = await fetch(`${url}${path}${search ? `?${search}` : ""}`, { method, headers: { "content-type": "application/json", ...headers }, ...(body ? { body } : {}) });
            return { status: answer.status, body: await answer.json() };
        },
        enqueued: async () => engine.stats(queueName).visible,
        stop: async () => {
            await app.close();
            groupCommit(db).flush();
            db.close();
            rmSync(dir, { recursive: true, force: true });
        },
    };
}
