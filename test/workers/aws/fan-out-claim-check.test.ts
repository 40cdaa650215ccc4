import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { GetScheduleCommand } from "@aws-sdk/client-scheduler";
import { CreateTopicCommand, SubscribeCommand } from "@aws-sdk/client-sns";
import { frontEndFromEnv } from "../../../workers/aws/front-end-setup";
import type { HttpApiEvent, HttpApiResult } from "../../../workers/aws/http";
import { S3BlobStore } from "../../../workers/aws/s3-blob-store";
import { fromApiMessage } from "../../../workers/aws/sqs-message";
import { awsWorkerFromEnv } from "../../../workers/aws/worker-setup";
import { BlobNotFoundError, defineWorker } from "../../../workers/runtime";
import { capturedLogger } from "../helpers/capture-logs";
import { createTable, useMoto } from "../helpers/moto";
import { receive } from "../helpers/sqs";
import { createBucket, createScheduleGroup, patternClients, queueWithArn } from "./pattern-clients";

const tableName = "patterns-fan-out";
const bucket = "patterns-claim-check";
const sha = (text: string) => createHash("sha256").update(text).digest("hex");
const event = (routeKey: string, params: Record<string, string>, body: string, headers: Record<string, string> = {}): HttpApiEvent => ({ routeKey, pathParameters: params, headers: { "content-type": "application/json", ...headers }, body });

describe("aws: fan-out (SNS -> SQS) and claim check (S3) on moto", function () {
    this.timeout(60_000);
    const moto = useMoto();
    let handler: (event: HttpApiEvent) => Promise<HttpApiResult>;
    let billing: { url: string; arn: string };
    let audit: { url: string; arn: string };
    let big: { url: string; arn: string };

    before(async () => {
        const m = moto();
        const { sns, s3 } = patternClients(m);
        await createTable(m, tableName);
        await createBucket(s3, bucket);
        billing = await queueWithArn(m, "fo-billing");
        audit = await queueWithArn(m, "fo-audit");
        big = await queueWithArn(m, "fo-big");
        const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "fo-signups" }));
        for (const queue of [billing, audit]) {
            await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: queue.arn, Attributes: { RawMessageDelivery: "true" } }));
        }
        handler = frontEndFromEnv(
            {
                QUEUESTACK_QUEUES: JSON.stringify({ big: { url: big.url, fifo: false, maxMessageBytes: 256 * 1024 } }),
                QUEUESTACK_TOPICS: JSON.stringify({ signups: { arn: TopicArn, fifo: false } }),
                QUEUESTACK_AUTH: "none",
                QUEUESTACK_MAX_BODY_BYTES: String(6 * 1024 * 1024),
                QUEUESTACK_TABLE_NAME: tableName,
                QUEUESTACK_BLOB_BUCKET: bucket,
            },
            capturedLogger().logger,
            { sqs: m.sqs, dynamodb: m.dynamodb, sns, s3 },
        );
    });

    it("publishes one event once and each subscriber queue receives exactly one raw copy with its attributes", async () => {
        const result = await handler(event("POST /topics/{topic}", { topic: "signups" }, '{"user":"ada"}', { "x-correlation-id": "signup-1" }));
        assert.equal(result.statusCode, 202, result.body);
        assert.deepEqual(Object.keys(JSON.parse(result.body)).sort(), ["correlationId", "messageId"]);
        for (const queue of [billing, audit]) {
            const copies = [...(await receive(moto(), queue.url, 1)), ...(await receive(moto(), queue.url))];
            assert.equal(copies.length, 1, `one copy in ${queue.url}`);
            assert.equal(copies[0]!.Body, '{"user":"ada"}', "raw delivery: the body, not an SNS envelope");
            assert.equal(copies[0]!.MessageAttributes?.["queuestack-correlation-id"]?.StringValue, "signup-1");
        }
        const unknown = await handler(event("POST /topics/{topic}", { topic: "logins" }, "{}"));
        assert.equal(unknown.statusCode, 404);
        assert.equal(JSON.parse(unknown.body).error, 'Unknown topic "logins". Known topics: signups.');
    });

    it("claim-checks a 5 MB body into S3 and the worker's handler gets it back byte for byte", async () => {
        const payload = JSON.stringify({ blob: Array.from({ length: 5 * 1024 * 1024 / 64 }, (_, i) => `${i}`.padStart(63, "x")).join("-"), note: "héllo ✓" });
        assert.ok(Buffer.byteLength(payload) > 5 * 1024 * 1024);
        const result = await handler(event("POST /queues/{queue}/messages", { queue: "big" }, payload));
        assert.equal(result.statusCode, 202, result.body);
        const [message] = await receive(moto(), big.url);
        const reference = JSON.parse(message!.Body!).queuestackClaimCheck;
        assert.deepEqual({ ...reference, key: undefined }, { key: undefined, bytes: Buffer.byteLength(payload), sha256: sha(payload) });
        assert.match(reference.key, /^big\/[0-9a-f-]{36}$/);
        assert.ok(Buffer.byteLength(message!.Body!) < 300, "the queue carries a small reference");
        const stored = await patternClients(moto()).s3.send(new GetObjectCommand({ Bucket: bucket, Key: reference.key }));
        assert.equal(await stored.Body!.transformToString(), payload);

        let seen: string | undefined;
        const worker = defineWorker<unknown>({ handle: ({ body }) => ((seen = JSON.stringify(body)), "ok") });
        const aws = awsWorkerFromEnv(
            { default: worker },
            { QUEUESTACK_QUEUE_URL: big.url, QUEUESTACK_TABLE_NAME: tableName, QUEUESTACK_IDEMPOTENCY_ENABLED: "false", QUEUESTACK_IDEMPOTENCY_KEY: "messageId", QUEUESTACK_IDEMPOTENCY_TTL_HOURS: "1", QUEUESTACK_RESULT_TTL_DAYS: "1", QUEUESTACK_VISIBILITY_TIMEOUT_SECONDS: "30", QUEUESTACK_WORKER_TIMEOUT_SECONDS: "20", QUEUESTACK_BLOB_BUCKET: bucket },
            capturedLogger().logger,
            { sqs: moto().sqs, dynamodb: moto().dynamodb, s3: patternClients(moto()).s3 },
        );
        const outcome = await aws.processor(fromApiMessage(message!));
        assert.equal(outcome.kind, "done");
        assert.equal(seen, payload);
        assert.equal(sha(seen!), sha(payload));
    });

    it("claim-checks a delayed body too large for a schedule's input, and the schedule carries the reference", async () => {
        const m = moto();
        const clients = patternClients(m);
        await createScheduleGroup(clients.scheduler, "fo-delays");
        const dlq = await queueWithArn(m, "fo-delays-dlq");
        const later = await queueWithArn(m, "fo-later");
        const delayed = frontEndFromEnv(
            {
                QUEUESTACK_QUEUES: JSON.stringify({ later: { url: later.url, fifo: false, maxDelaySeconds: 86_400, arn: later.arn, maxMessageBytes: 1024 * 1024 } }),
                QUEUESTACK_AUTH: "none",
                QUEUESTACK_MAX_BODY_BYTES: String(1024 * 1024),
                QUEUESTACK_TABLE_NAME: tableName,
                QUEUESTACK_BLOB_BUCKET: bucket,
                QUEUESTACK_SCHEDULE_GROUP: "fo-delays",
                QUEUESTACK_SCHEDULER_ROLE_ARN: "arn:aws:iam::123456789012:role/fo-delays",
                QUEUESTACK_SCHEDULER_DEAD_LETTER_ARN: dlq.arn,
            },
            capturedLogger().logger,
            { sqs: m.sqs, dynamodb: m.dynamodb, s3: clients.s3, scheduler: clients.scheduler },
        );
        // 600 KB fits the queue (1 MiB) but not a schedule's 256 KiB input.
        const payload = JSON.stringify({ text: "z".repeat(600 * 1024) });
        const result = await delayed(event("POST /queues/{queue}/messages", { queue: "later" }, payload, { "x-delay-seconds": "3600" }));
        assert.equal(result.statusCode, 202, result.body);
        const { messageId } = JSON.parse(result.body);
        const schedule = await clients.scheduler.send(new GetScheduleCommand({ Name: `queuestack-${messageId}`, GroupName: "fo-delays" }));
        const sentBody = JSON.parse(schedule.Target!.Input!).MessageBody as string;
        const reference = JSON.parse(sentBody).queuestackClaimCheck;
        assert.deepEqual([reference.bytes, reference.sha256], [Buffer.byteLength(payload), sha(payload)]);
        const stored = await clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: reference.key }));
        assert.equal(await stored.Body!.transformToString(), payload);
    });

    it("leaves a body that fits in the queue as it is, and reports a missing object as BlobNotFoundError", async () => {
        const result = await handler(event("POST /queues/{queue}/messages", { queue: "big" }, '{"small":true}'));
        assert.equal(result.statusCode, 202);
        const [message] = await receive(moto(), big.url);
        assert.equal(message!.Body, '{"small":true}');
        const store = new S3BlobStore({ client: patternClients(moto()).s3, bucket });
        await assert.rejects(store.get("big/never-written"), (error: unknown) => error instanceof BlobNotFoundError && error.key === "big/never-written");
    });
});
