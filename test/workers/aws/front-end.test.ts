import { strict as assert } from "node:assert";
import { CreateSecretCommand } from "@aws-sdk/client-secrets-manager";
import { CreateQueueCommand } from "@aws-sdk/client-sqs";
import { frontEndFromEnv } from "../../../workers/aws/front-end-setup";
import type { HttpApiEvent, HttpApiResult } from "../../../workers/aws/http";
import { DynamoDbWorkerStore } from "../../../workers/aws/dynamodb-store";
import { capturedLogger } from "../helpers/capture-logs";
import { createTable, useMoto } from "../helpers/moto";
import { depth, receive } from "../helpers/sqs";

const apiKey = "k3y-for-tests-0123456789";
const tableName = "portfolio-front";

/** An HTTP API payload 2.0 event for the enqueue route. */
function post(queue: string, body: string | undefined, headers: Record<string, string> = { "x-api-key": apiKey }, query?: Record<string, string>): HttpApiEvent {
    return {
        routeKey: "POST /queues/{queue}/messages",
        rawPath: `/queues/${queue}/messages`,
        headers: { "content-type": "application/json", ...headers },
        pathParameters: { queue },
        ...(query ? { queryStringParameters: query } : {}),
        body,
        isBase64Encoded: false,
        requestContext: { http: { method: "POST" } },
    };
}

const errorOf = (result: HttpApiResult) => JSON.parse(result.body).error as string;

describe("aws: HTTP API front end on moto (SQS, Secrets Manager, DynamoDB)", function () {
    this.timeout(20_000);
    const moto = useMoto();
    let handler: (event: HttpApiEvent) => Promise<HttpApiResult>;
    let scrapeUrl: string;
    let orderedUrl: string;
    let secretReads = 0;

    before(async () => {
        const m = moto();
        await createTable(m, tableName);
        scrapeUrl = (await m.sqs.send(new CreateQueueCommand({ QueueName: "portfolio-scrape" }))).QueueUrl!;
        orderedUrl = (await m.sqs.send(new CreateQueueCommand({ QueueName: "portfolio-ordered.fifo", Attributes: { FifoQueue: "true", ContentBasedDeduplication: "true" } }))).QueueUrl!;
        const secret = await m.secrets.send(new CreateSecretCommand({ Name: "portfolio-api-key", SecretString: apiKey }));
        m.secrets.middlewareStack.add((next) => async (args) => ((secretReads += 1), next(args)), { step: "initialize", name: "countSecretReads" });
        handler = frontEndFromEnv(
            {
                QUEUESTACK_QUEUES: JSON.stringify({ scrape: { url: scrapeUrl, fifo: false }, ordered: { url: orderedUrl, fifo: true } }),
                QUEUESTACK_AUTH: "apiKey",
                QUEUESTACK_API_KEY_SECRET_ARN: secret.ARN,
                QUEUESTACK_MAX_BODY_BYTES: "1024",
                QUEUESTACK_TABLE_NAME: tableName,
            },
            capturedLogger().logger,
            { sqs: m.sqs, dynamodb: m.dynamodb, secrets: m.secrets },
        );
    });

    describe("rejects bad requests with a 4xx and a clear message, enqueuing nothing", () => {
        const cases: [string, () => HttpApiEvent, number, string][] = [
            ["a missing key", () => post("scrape", '{"url":"https://a.test"}', {}), 401, "Missing x-api-key header. Send the stack's API key in the x-api-key header."],
            ["a wrong key", () => post("scrape", '{"url":"https://a.test"}', { "x-api-key": "nope" }), 401, "The x-api-key header does not match the stack's API key."],
            ["a key differing in the last character", () => post("scrape", '{"url":"https://a.test"}', { "X-Api-Key": apiKey.slice(0, -1) + "8" }), 401, "The x-api-key header does not match the stack's API key."],
            ["an unknown queue", () => post("scrapes", '{"url":"https://a.test"}'), 404, 'Unknown queue "scrapes". Known queues: ordered, scrape.'],
            ["an oversize body", () => post("scrape", JSON.stringify({ url: "https://a.test/" + "x".repeat(1100) })), 413, "Request body is 1125 bytes; the limit is 1024 bytes (spec frontEnd.maxBodyKb). Split the batch into smaller requests."],
            ["malformed JSON", () => post("scrape", '{"url": "https://a.test"'), 400, "Request body is not valid JSON (error at character 24). Send a JSON object, or a JSON array of objects."],
            ["an empty body", () => post("scrape", undefined), 400, "Request body is empty. Send a JSON object, or a JSON array of objects to enqueue one message per item."],
            ["an empty array", () => post("scrape", "[]"), 400, "Request body is an empty array. Send at least one item."],
            ["a string body", () => post("scrape", '"https://a.test"'), 400, 'The request body is a string; each message must be a JSON object, e.g. {"url": "https://example.com/a"}.'],
            ["a batch with a wrong item", () => post("scrape", '[{"url":"https://a.test"}, 42]'), 400, 'Item 1 of the array is a number; each message must be a JSON object, e.g. {"url": "https://example.com/a"}.'],
            ["a FIFO request without a group key", () => post("ordered", '{"url":"https://a.test"}'), 400, 'Queue "ordered" is FIFO: send a group key in the x-group-key header or the groupKey query parameter.'],
            ["a topic on a stack without topics", () => ({ ...post("scrape", "{}"), routeKey: "POST /topics/{topic}", pathParameters: { topic: "signups" } }), 404, 'Unknown topic "signups". This stack has no topics (spec topics).'],
            ["an unknown route", () => ({ ...post("scrape", "{}"), routeKey: "DELETE /queues/{queue}" }), 404, "No route DELETE /queues/{queue}. Use POST /queues/{queue}/messages, POST /topics/{topic} or GET /jobs/{id}."],
        ];
        for (const [what, event, status, message] of cases) {
            it(`${status} for ${what}`, async () => {
                const result = await handler(event());
                assert.equal(result.statusCode, status);
                assert.equal(result.headers["content-type"], "application/json");
                assert.deepEqual(JSON.parse(result.body), { error: message });
            });
        }
        after(async () => {
            assert.equal(await depth(moto(), scrapeUrl), 0, "nothing may be enqueued by a rejected request");
            assert.equal(await depth(moto(), orderedUrl), 0, "nothing may be enqueued by a rejected request");
        });
    });

    describe("accepts good requests", () => {
    it("enqueues one object and answers 202 with its message id", async () => {
        const result = await handler(post("scrape", '{"url":"https://a.test/one"}'));
        assert.equal(result.statusCode, 202);
        const { messageId } = JSON.parse(result.body);
        const [message] = await receive(moto(), scrapeUrl);
        assert.equal(message.MessageId, messageId);
        assert.equal(message.Body, '{"url":"https://a.test/one"}');
        assert.deepEqual(await receive(moto(), scrapeUrl), []);
    });

    it("enqueues one message per item of a batch of 25, in SendMessageBatch chunks of 10", async () => {
        const items = Array.from({ length: 25 }, (_, i) => ({ url: `https://a.test/${i}` }));
        let batches = 0;
        moto().sqs.middlewareStack.add((next, context) => async (args) => ((batches += context.commandName === "SendMessageBatchCommand" ? 1 : 0), next(args)), { step: "initialize", name: "countBatches" });
        const body = JSON.stringify(items);
        const big = await handlerWithLimit(body.length)(post("scrape", body));
        moto().sqs.middlewareStack.remove("countBatches");
        assert.equal(big.statusCode, 202, big.body);
        const { messageIds } = JSON.parse(big.body) as { messageIds: string[] };
        assert.equal(messageIds.length, 25);
        assert.equal(new Set(messageIds).size, 25);
        assert.equal(batches, 3);
        const bodies: string[] = [];
        for (let tries = 0; tries < 10 && bodies.length < 25; tries++) bodies.push(...(await receive(moto(), scrapeUrl)).map((m) => m.Body!));
        assert.deepEqual(bodies.map((b) => JSON.parse(b).url).sort(), items.map((i) => i.url).sort());
    });

    it("sets the FIFO group key from the header and the deduplication id from the query", async () => {
        const result = await handler(post("ordered", '[{"n":1},{"n":2}]', { "x-api-key": apiKey, "x-group-key": "tenant-7" }, { deduplicationId: "req-1" }));
        assert.equal(result.statusCode, 202, result.body);
        const received = await receive(moto(), orderedUrl);
        assert.deepEqual(
            received.map((m) => [m.Body, m.Attributes?.MessageGroupId, m.Attributes?.MessageDeduplicationId]),
            [['{"n":1}', "tenant-7", "req-1"], ['{"n":2}', "tenant-7", "req-1-1"]],
        );
    });

    it("reads the API key from Secrets Manager once and reuses it", () => {
        assert.equal(secretReads, 1);
    });

    it("returns a job's record from the datastore, and 404 for an unknown id", async () => {
        const store = new DynamoDbWorkerStore({ client: moto().dynamodb, tableName });
        await store.putJob("m-42", { status: "done", result: { title: "Hi" }, at: new Date("2026-01-01T00:00:00Z") }, 3600);
        const get = (id: string): HttpApiEvent => ({ routeKey: "GET /jobs/{id}", pathParameters: { id }, headers: { "x-api-key": apiKey } });
        const found = await handler(get("m-42"));
        assert.equal(found.statusCode, 200);
        assert.deepEqual(JSON.parse(found.body), { id: "m-42", status: "done", result: { title: "Hi" }, at: "2026-01-01T00:00:00.000Z" });
        const missing = await handler(get("m-43"));
        assert.equal(missing.statusCode, 404);
        assert.equal(errorOf(missing), 'No job "m-43": this front end never accepted a message with that id, or its record has expired (spec datastore.ttlDays). Use the messageId or statusUrl a POST answered with.');
    });

    });

    /** The same front end with a larger body limit (for the batch test). */
    function handlerWithLimit(bytes: number) {
        return frontEndFromEnv(
            { QUEUESTACK_QUEUES: JSON.stringify({ scrape: { url: scrapeUrl, fifo: false } }), QUEUESTACK_AUTH: "none", QUEUESTACK_MAX_BODY_BYTES: String(bytes), QUEUESTACK_TABLE_NAME: tableName },
            capturedLogger().logger,
            { sqs: moto().sqs, dynamodb: moto().dynamodb },
        );
    }
});

describe("aws: front end configuration errors", () => {
    it("names a malformed QUEUESTACK_QUEUES entry", () => {
        assert.throws(
            () => frontEndFromEnv({ QUEUESTACK_QUEUES: '{"scrape":{"url":"https://q"}}', QUEUESTACK_AUTH: "none", QUEUESTACK_MAX_BODY_BYTES: "1024", QUEUESTACK_TABLE_NAME: "t" }, capturedLogger().logger),
            { name: "ConfigError", message: 'QUEUESTACK_QUEUES.scrape must be { "url": string, "fifo": boolean } with optional levels, defaultLevel, maxDelaySeconds, arn, groupKey, deduplicationKey, maxMessageBytes (got {"url":"https://q"}).' },
        );
    });

    it("needs the secret ARN when auth is apiKey", () => {
        assert.throws(
            () => frontEndFromEnv({ QUEUESTACK_QUEUES: "{}", QUEUESTACK_AUTH: "apiKey", QUEUESTACK_MAX_BODY_BYTES: "1024", QUEUESTACK_TABLE_NAME: "t" }, capturedLogger().logger),
            { message: "QUEUESTACK_API_KEY_SECRET_ARN is not set: the Secrets Manager secret holding the API key. The queuestack components set it; when running this code by hand, export it." },
        );
    });
});
