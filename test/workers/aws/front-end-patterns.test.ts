import { strict as assert } from "node:assert";
import { GetScheduleCommand, ListSchedulesCommand } from "@aws-sdk/client-scheduler";
import type { SendMessageBatchCommandInput } from "@aws-sdk/client-sqs";
import { DynamoDbWorkerStore } from "../../../workers/aws/dynamodb-store";
import { frontEndFromEnv } from "../../../workers/aws/front-end-setup";
import type { HttpApiEvent, HttpApiResult } from "../../../workers/aws/http";
import { fromApiMessage } from "../../../workers/aws/sqs-message";
import { capturedLogger } from "../helpers/capture-logs";
import { createTable, useMoto } from "../helpers/moto";
import { receive } from "../helpers/sqs";
import { createScheduleGroup, patternClients, queueWithArn } from "./pattern-clients";

const tableName = "patterns-front";
const group = "patterns-delays";
const roleArn = "arn:aws:iam::123456789012:role/patterns-delays";

function post(queue: string, body: string, headers: Record<string, string> = {}, query?: Record<string, string>): HttpApiEvent {
    return { routeKey: "POST /queues/{queue}/messages", pathParameters: { queue }, headers: { "content-type": "application/json", ...headers }, ...(query ? { queryStringParameters: query } : {}), body };
}
const bodyOf = (result: HttpApiResult) => JSON.parse(result.body);

describe("aws: front end queue patterns on moto (SQS, Scheduler, DynamoDB)", function () {
    this.timeout(30_000);
    const moto = useMoto();
    let handler: (event: HttpApiEvent) => Promise<HttpApiResult>;
    const q: Record<string, { url: string; arn: string }> = {};
    const sent: SendMessageBatchCommandInput[] = [];

    before(async () => {
        const m = moto();
        const clients = patternClients(m);
        await createTable(m, tableName);
        await createScheduleGroup(clients.scheduler, group);
        for (const name of ["pj-high", "pj-high-dlq", "pj-low", "pj-low-dlq", "pj-delays-dlq"]) q[name] = await queueWithArn(m, name);
        q.orders = await queueWithArn(m, "pj-orders.fifo", { FifoQueue: "true", ContentBasedDeduplication: "false" });
        m.sqs.middlewareStack.add((next, context) => async (args) => {
            if (context.commandName === "SendMessageBatchCommand") sent.push(args.input as SendMessageBatchCommandInput);
            return next(args);
        }, { step: "initialize", name: "recordBatches" });
        const level = (name: string) => ({ level: name, url: q[`pj-${name}`]!.url, arn: q[`pj-${name}`]!.arn });
        handler = frontEndFromEnv(
            {
                QUEUESTACK_QUEUES: JSON.stringify({
                    jobs: { url: q["pj-low"]!.url, fifo: false, levels: [level("high"), level("low")], defaultLevel: "low", maxDelaySeconds: 86_400, arn: q["pj-low"]!.arn },
                    orders: { url: q.orders!.url, fifo: true, groupKey: "body.customer.id", deduplicationKey: "body.orderId" },
                }),
                QUEUESTACK_AUTH: "none",
                QUEUESTACK_MAX_BODY_BYTES: String(1024 * 1024),
                QUEUESTACK_TABLE_NAME: tableName,
                QUEUESTACK_MAX_WAIT_SECONDS: "5",
                QUEUESTACK_SCHEDULE_GROUP: group,
                QUEUESTACK_SCHEDULER_ROLE_ARN: roleArn,
                QUEUESTACK_SCHEDULER_DEAD_LETTER_ARN: q["pj-delays-dlq"]!.arn,
            },
            capturedLogger().logger,
            { sqs: m.sqs, dynamodb: m.dynamodb, scheduler: clients.scheduler },
        );
    });
    after(() => moto().sqs.middlewareStack.remove("recordBatches"));

    it("sends to the level the sender names, else the default level, stamping the enqueue time", async () => {
        const before = Date.now();
        const high = await handler(post("jobs", '{"n":1}', { "x-priority": "high" }));
        const plain = await handler(post("jobs", '{"n":2}'));
        assert.deepEqual([high.statusCode, plain.statusCode], [202, 202]);
        const [onHigh] = await receive(moto(), q["pj-high"]!.url);
        const [onLow] = await receive(moto(), q["pj-low"]!.url);
        assert.deepEqual([onHigh?.Body, onLow?.Body], ['{"n":1}', '{"n":2}']);
        assert.equal(onHigh!.MessageId, bodyOf(high).messageId);
        const stamp = Date.parse(onHigh!.MessageAttributes!["queuestack-enqueued-at"]!.StringValue!);
        assert.ok(stamp >= before - 1000 && stamp <= Date.now(), "enqueue time stamped by the front end");
        assert.equal(onHigh!.MessageAttributes!["queuestack-correlation-id"], undefined, "no correlation attribute unless the sender gives one");
    });

    it("rejects an unknown level with 400 listing the levels, sending nothing", async () => {
        const count = sent.length;
        const result = await handler(post("jobs", '{"n":3}', {}, { priority: "urgent" }));
        assert.equal(result.statusCode, 400);
        assert.equal(bodyOf(result).error, 'Queue "jobs" has no priority level "urgent". Its levels, highest first: high, low. Send one of them in the x-priority header or the priority query parameter, or none for the default (low).');
        assert.equal(sent.length, count);
    });

    it("delays up to 900 s with SQS DelaySeconds and creates no schedule", async () => {
        const result = await handler(post("jobs", '{"n":4}', { "x-delay-seconds": "900" }));
        assert.equal(result.statusCode, 202, result.body);
        assert.equal(sent.at(-1)!.Entries![0]!.DelaySeconds, 900);
        const { Schedules = [] } = await patternClients(moto()).scheduler.send(new ListSchedulesCommand({ GroupName: group }));
        assert.equal(Schedules.length, 0);
    });

    it("turns a longer delay into a one-time schedule sending to the level, deleted after it runs, dead-lettering to the schedules' own DLQ, never the level's", async () => {
        const count = sent.length;
        const start = Date.now();
        const result = await handler(post("jobs", '{"n":5}', { "x-priority": "high", "x-correlation-id": "order-77" }, { delaySeconds: "7200" }));
        assert.equal(result.statusCode, 202, result.body);
        const { messageId, correlationId, statusUrl } = bodyOf(result);
        assert.equal(correlationId, "order-77");
        assert.equal(statusUrl, `/jobs/${messageId}`);
        assert.equal(sent.length, count, "nothing goes to SQS now");
        const schedule = await patternClients(moto()).scheduler.send(new GetScheduleCommand({ Name: `queuestack-${messageId}`, GroupName: group }));
        const due = Date.parse(`${/^at\((.*)\)$/.exec(schedule.ScheduleExpression!)![1]}Z`);
        assert.ok(due >= start + 7_200_000 && due <= Date.now() + 7_201_000, `due in 2 h (${schedule.ScheduleExpression})`);
        assert.equal(schedule.ScheduleExpressionTimezone, "UTC");
        assert.equal(schedule.ActionAfterCompletion, "DELETE");
        assert.deepEqual(schedule.FlexibleTimeWindow, { Mode: "OFF" });
        assert.equal(schedule.Target!.Arn, "arn:aws:scheduler:::aws-sdk:sqs:sendMessage");
        assert.equal(schedule.Target!.RoleArn, roleArn);
        assert.deepEqual(schedule.Target!.DeadLetterConfig, { Arn: q["pj-delays-dlq"]!.arn });
        assert.deepEqual(schedule.Target!.RetryPolicy, { MaximumEventAgeInSeconds: 86_400, MaximumRetryAttempts: 185 });
        const input = JSON.parse(schedule.Target!.Input!);
        assert.equal(input.QueueUrl, q["pj-high"]!.url);
        assert.equal(input.MessageBody, '{"n":5}');
        assert.deepEqual(input.MessageAttributes["queuestack-job-id"], { DataType: "String", StringValue: messageId });
        assert.deepEqual(input.MessageAttributes["queuestack-correlation-id"], { DataType: "String", StringValue: "order-77" });
    });

    it("refuses a scheduled body that would not fit the schedule's input once escaped (no claim check here), sending nothing", async () => {
        const body = JSON.stringify({ p: "a".repeat(256 * 1024 - 4096 - 10) });
        const limit = 256 * 1024 - 4096 - 4; // the four quotes of the body are escaped inside the schedule's input
        const count = sent.length;
        const result = await handler(post("jobs", body, { "x-delay-seconds": "7200" }));
        assert.equal(result.statusCode, 413, result.body);
        assert.equal(bodyOf(result).error, `The message is ${Buffer.byteLength(body)} bytes; the queue takes at most ${limit}. Send a smaller message, or turn on the claim check (spec largeMessages.enabled) to store large bodies in object storage.`);
        assert.equal(sent.length, count);
        const { Schedules = [] } = await patternClients(moto()).scheduler.send(new ListSchedulesCommand({ GroupName: group }));
        assert.equal(Schedules.length, 1, "only the schedule of the earlier test");
    });

    it("rejects a delay over maxDelaySeconds naming the spec field", async () => {
        const result = await handler(post("jobs", '{"n":6}', { "x-delay-seconds": "86401" }));
        assert.equal(result.statusCode, 400);
        assert.equal(bodyOf(result).error, `Delay of 86401 s is over queue "jobs"'s limit of 86400 s (spec queues[].maxDelaySeconds). Send 0 to 86400, or raise queues[].maxDelaySeconds.`);
    });

    it("reads FIFO group and deduplication ids from the body paths", async () => {
        const result = await handler(post("orders", '[{"customer":{"id":"c-9"},"orderId":"o-1"},{"customer":{"id":"c-8"},"orderId":"o-2"}]'));
        assert.equal(result.statusCode, 202, result.body);
        const received = await receive(moto(), q.orders!.url);
        assert.deepEqual(received.map((m) => [m.Body, m.Attributes?.MessageGroupId, m.Attributes?.MessageDeduplicationId]).sort(), [
            ['{"customer":{"id":"c-8"},"orderId":"o-2"}', "c-8", "o-2"],
            ['{"customer":{"id":"c-9"},"orderId":"o-1"}', "c-9", "o-1"],
        ]);
    });

    it("waits for the result when asked (Prefer: wait) and answers 200 with it and the correlation id", async () => {
        const store = new DynamoDbWorkerStore({ client: moto().dynamodb, tableName });
        // A worker stand-in: takes the message off the queue and records its result.
        const worker = (async () => {
            for (let tries = 0; tries < 40; tries++) {
                const [message] = await receive(moto(), q["pj-low"]!.url, 1);
                if (message) return store.putJob(fromApiMessage(message).id, { status: "done", result: { echoed: JSON.parse(message.Body!) }, at: new Date() }, 600);
            }
        })();
        const result = await handler(post("jobs", '{"n":7}', { prefer: "wait=5", "x-correlation-id": "c-7" }));
        await worker;
        assert.equal(result.statusCode, 200, result.body);
        const body = bodyOf(result);
        assert.deepEqual({ ...body, at: undefined, id: undefined }, { correlationId: "c-7", status: "done", result: { echoed: { n: 7 } }, at: undefined, id: undefined });
        const over = await handler(post("jobs", '{"n":8}', {}, { wait: "6" }));
        assert.equal(over.statusCode, 400);
        assert.equal(bodyOf(over).error, "Wait of 6 s is over the front end's limit of 5 s (spec frontEnd.maxWaitSeconds). Ask for 0 to 5, or raise frontEnd.maxWaitSeconds.");
    });

    it("takes the job id of a scheduled message from its queuestack-job-id attribute", () => {
        const raw = fromApiMessage({ MessageId: "sqs-id", ReceiptHandle: "r", Body: "{}", MessageAttributes: { "queuestack-job-id": { DataType: "String", StringValue: "job-1" } } });
        assert.equal(raw.id, "job-1");
        assert.equal(fromApiMessage({ MessageId: "sqs-id", ReceiptHandle: "r", Body: "{}" }).id, "sqs-id");
    });
});
