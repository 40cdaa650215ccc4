import { strict as assert } from "node:assert";
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, type Message } from "@aws-sdk/client-sqs";
import { depth, receive } from "../workers/helpers/sqs";
import { createQueueWithDlq, useMoto, type Moto } from "../workers/helpers/moto";
import { opsSpec, queuestack, stackDir } from "./ops-cli";

const groups = ["g1", "g2", "g3", "g4", "g5"];

describe("queuestack operations on AWS (moto_server)", function () {
    this.timeout(30_000);
    const moto = useMoto();
    let project: ReturnType<typeof stackDir>;
    const saved = { ...process.env };

    before(() => {
        process.env.AWS_ACCESS_KEY_ID = "testing";
        process.env.AWS_SECRET_ACCESS_KEY = "testing";
        project = stackDir("ops", { "queuestack:cloud": "aws", "aws:region": "us-east-1", "queuestack:spec": opsSpec });
    });

    after(() => {
        process.env = saved;
        project?.cleanup();
    });

    let suffix = 0;
    /** A fresh queue pair per test (moto is shared by the whole run). */
    async function queuePair(fifo: boolean) {
        suffix += 1;
        return createQueueWithDlq(moto(), `ops-cli-${process.pid}-${suffix}`, { maxReceiveCount: 5, visibilityTimeoutSeconds: 30, fifo });
    }

    const flags = (pair: { url: string; dlqUrl: string }) => ["--stack", "ops", "--dir", project.dir, "--endpoint", moto().endpoint, "--queue-id", pair.url, "--dead-letter-id", pair.dlqUrl];

    /** Puts `count` messages straight into the dead-letter queue, spread over the groups on FIFO queues. */
    async function fillDeadLetters(m: Moto, dlqUrl: string, count: number, fifo: boolean): Promise<void> {
        for (let start = 0; start < count; start += 10) {
            const entries = Array.from({ length: Math.min(10, count - start) }, (_, i) => {
                const seq = start + i;
                return {
                    Id: String(i),
                    MessageBody: JSON.stringify({ seq }),
                    MessageAttributes: { seq: { DataType: "Number", StringValue: String(seq) }, origin: { DataType: "String", StringValue: "test" } },
                    ...(fifo ? { MessageGroupId: groups[seq % groups.length], MessageDeduplicationId: `dedup-${seq}` } : {}),
                };
            });
            const out = await m.sqs.send(new SendMessageBatchCommand({ QueueUrl: dlqUrl, Entries: entries }));
            assert.equal(out.Failed?.length ?? 0, 0);
        }
    }

    /** Receives and deletes everything on a queue, in delivery order. */
    async function drain(m: Moto, url: string): Promise<Message[]> {
        const all: Message[] = [];
        for (;;) {
            const batch = await receive(m, url);
            if (batch.length === 0) return all;
            all.push(...batch);
            await m.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: batch.map((b, i) => ({ Id: String(i), ReceiptHandle: b.ReceiptHandle! })) }));
        }
    }

    // 150 rather than the 500 of the other targets: moto's cost per call grows with the FIFO queue's
    // size (measured under load: 100 messages 10 s, 250 messages 42 s for fill + redrive + drain).
    it("redrives 150 FIFO dead letters: none lost, each group in order, typed attributes, group and dedup ids kept", async function () {
        this.timeout(90_000);
        const pair = await queuePair(true);
        await fillDeadLetters(moto(), pair.dlqUrl, 150, true);
        const result = await queuestack(["dlq", "redrive", ...flags(pair), "--queue", "publish"]);
        assert.deepEqual(result, { code: 0, out: 'Redrove 150 dead letters back to "publish" (stack ops, aws).', err: "" });
        assert.equal(await depth(moto(), pair.dlqUrl), 0);

        const received = await drain(moto(), pair.url);
        assert.equal(received.length, 150);
        const seqs = received.map((m) => (JSON.parse(m.Body!) as { seq: number }).seq);
        assert.equal(new Set(seqs).size, 150);
        for (const group of groups) {
            const order = received.filter((m) => m.Attributes?.MessageGroupId === group).map((m) => (JSON.parse(m.Body!) as { seq: number }).seq);
            assert.equal(order.length, 30);
            assert.deepEqual(order, [...order].sort((a, b) => a - b), `group ${group} keeps its order`);
        }
        const seven = received.find((m) => m.Body === '{"seq":7}')!;
        assert.equal(seven.Attributes?.MessageGroupId, "g3");
        assert.equal(seven.Attributes?.MessageDeduplicationId, "dedup-7");
        assert.deepEqual(seven.MessageAttributes, {
            seq: { DataType: "Number", StringValue: "7" },
            origin: { DataType: "String", StringValue: "test" },
        });
    });

    it("lists dead letters, one moved by SQS's own redrive policy with its receive count, and redrives selected ids only", async () => {
        const pair = await queuePair(false);
        await fillDeadLetters(moto(), pair.dlqUrl, 4, false);
        await moto().sqs.send(new SendMessageCommand({ QueueUrl: pair.url, MessageBody: '{"url":"https://example.com/broken"}' }));
        // Five receives without a delete: the sixth moves it to the dead-letter queue.
        for (let i = 0; i < 6; i++) await moto().sqs.send(new ReceiveMessageCommand({ QueueUrl: pair.url, VisibilityTimeout: 0 }));
        const moved = await queuestack(["dlq", "list", ...flags(pair), "--queue", "scrape", "--format", "json"]);
        const broken = (JSON.parse(moved.out) as { body: string; attempts: number }[]).find((m) => m.body.includes("broken"));
        // The five receives on the source (the receive that listed it is not counted).
        assert.equal(broken?.attempts, 5);
        await queuestack(["dlq", "redrive", ...flags(pair), "--queue", "scrape", "--id", (JSON.parse(moved.out) as { id: string; body: string }[]).find((m) => m.body.includes("broken"))!.id]);
        assert.deepEqual((await drain(moto(), pair.url)).map((m) => m.Body), ['{"url":"https://example.com/broken"}']);

        const listed = await queuestack(["dlq", "list", ...flags(pair), "--queue", "scrape", "--format", "json"]);
        assert.equal(listed.code, 0, listed.err);
        const messages = JSON.parse(listed.out) as { id: string; body: string; attempts: number }[];
        assert.deepEqual(messages.map((m) => m.body).sort(), ['{"seq":0}', '{"seq":1}', '{"seq":2}', '{"seq":3}']);
        // Listing releases what it looked at: every message is back in the DLQ.
        assert.equal(await depth(moto(), pair.dlqUrl), 4);

        const picked = messages.filter((m) => m.body === '{"seq":1}' || m.body === '{"seq":3}').map((m) => m.id);
        const redriven = await queuestack(["dlq", "redrive", ...flags(pair), "--queue", "scrape", "--id", picked[0], "--id", picked[1]]);
        assert.deepEqual(redriven, { code: 0, out: 'Redrove 2 dead letters back to "scrape" (stack ops, aws).', err: "" });
        assert.deepEqual((await drain(moto(), pair.url)).map((m) => m.Body).sort(), ['{"seq":1}', '{"seq":3}']);
        assert.deepEqual((await drain(moto(), pair.dlqUrl)).map((m) => m.Body).sort(), ['{"seq":0}', '{"seq":2}']);
    });

    it("leaves FIFO dead letters that went through the queue less than 5 minutes ago (it would drop them as duplicates), with their group", async () => {
        const pair = await queuePair(true);
        for (const seq of [1, 2]) {
            await moto().sqs.send(new SendMessageCommand({ QueueUrl: pair.url, MessageBody: `{"seq":${seq}}`, MessageGroupId: "g", MessageDeduplicationId: `recent-${seq}` }));
        }
        // Five receives without a delete: the next receive moves both to the dead-letter queue.
        for (let i = 0; i < 12 && (await depth(moto(), pair.url)) > 0; i++) await moto().sqs.send(new ReceiveMessageCommand({ QueueUrl: pair.url, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }));
        assert.equal(await depth(moto(), pair.dlqUrl), 2);
        // Sent straight to the dead-letter queue: the queue never saw its deduplication id.
        await moto().sqs.send(new SendMessageCommand({ QueueUrl: pair.dlqUrl, MessageBody: '{"seq":3}', MessageGroupId: "h", MessageDeduplicationId: "direct-3" }));

        const started = Date.now();
        const result = await queuestack(["dlq", "redrive", ...flags(pair), "--queue", "publish"]);
        assert.equal(result.code, 1);
        assert.equal(result.out, 'Redrove 1 dead letter back to "publish" (stack ops, aws).');
        const until = /after (\S+)\.$/.exec(result.err)?.[1];
        assert.equal(
            result.err,
            `queuestack: left 2 dead letters in the dead-letter queue: they went through the FIFO queue less than 5 minutes ago, and it would drop them as duplicates. Run the redrive again after ${until}.`,
        );
        const wait = Date.parse(until!) - started;
        assert.ok(wait > 200_000 && wait <= 300_000, `waits out the rest of the 5 minutes (${wait} ms)`);
        assert.deepEqual((await drain(moto(), pair.url)).map((m) => m.Body), ['{"seq":3}']);
        assert.deepEqual((await drain(moto(), pair.dlqUrl)).map((m) => m.Body).sort(), ['{"seq":1}', '{"seq":2}']);
    });

    it("recognises EventBridge Scheduler dead-letter events: redrives the delayed job they carry, never the event, and leaves one without the job", async () => {
        const pair = await queuePair(false);
        const schedulerAttributes = (schedule: string, extra: Record<string, string> = {}) =>
            Object.fromEntries(
                Object.entries({
                    ERROR_CODE: "AWS.SimpleQueueService.NonExistentQueue",
                    ERROR_MESSAGE: "The specified queue does not exist.",
                    EXECUTION_ID: "exec-1",
                    RETRY_ATTEMPTS: "185",
                    SCHEDULE_ARN: `arn:aws:scheduler:us-east-1:123456789012:schedule/ops-delays/${schedule}`,
                    TARGET_ARN: "arn:aws:scheduler:::aws-sdk:sqs:sendMessage",
                    ...extra,
                }).map(([name, value]) => [name, { DataType: "String", StringValue: value }]),
            );
        const job = { QueueUrl: pair.url, MessageBody: '{"url":"https://example.com/later"}', MessageAttributes: { "queuestack-job-id": { DataType: "String", StringValue: "job-42" } } };
        await moto().sqs.send(new SendMessageCommand({ QueueUrl: pair.dlqUrl, MessageBody: JSON.stringify(job), MessageAttributes: schedulerAttributes("queuestack-job-42") }));
        await moto().sqs.send(new SendMessageCommand({ QueueUrl: pair.dlqUrl, MessageBody: '{"QueueUrl":"https://sqs', MessageAttributes: schedulerAttributes("queuestack-job-43", { IS_PAYLOAD_TRUNCATED: "true" }) }));

        const listed = JSON.parse((await queuestack(["dlq", "list", ...flags(pair), "--queue", "scrape", "--format", "json"])).out) as { id: string; body: string; reason: string; attempts: number }[];
        const whole = listed.find((m) => m.body === job.MessageBody)!;
        assert.equal(whole.reason, `EventBridge Scheduler could not deliver schedule arn:aws:scheduler:us-east-1:123456789012:schedule/ops-delays/queuestack-job-42: AWS.SimpleQueueService.NonExistentQueue: The specified queue does not exist. (delayed job for ${pair.url})`);
        assert.equal(whole.attempts, 185);
        const truncated = listed.find((m) => m !== whole)!;

        const result = await queuestack(["dlq", "redrive", ...flags(pair), "--queue", "scrape"]);
        assert.equal(result.code, 1);
        assert.equal(result.out, 'Redrove 1 dead letter back to "scrape" (stack ops, aws).');
        assert.equal(
            result.err,
            `queuestack: left 1 dead letter in the dead-letter queue that is not a job: ${truncated.id} is an EventBridge Scheduler dead-letter event without the delayed job (its payload was truncated or is not a SendMessage request). ` +
                `Read it with \`queuestack dlq show --id ${truncated.id}\`, resend the job by hand if it should run, then purge.`,
        );
        const [redriven, ...others] = await drain(moto(), pair.url);
        assert.equal(others.length, 0);
        assert.equal(redriven!.Body, job.MessageBody, "the job, not Scheduler's event");
        assert.deepEqual(redriven!.MessageAttributes, job.MessageAttributes);
        assert.deepEqual((await drain(moto(), pair.dlqUrl)).map((m) => m.Body), ['{"QueueUrl":"https://sqs']);
    });

    it("keeps to --rate: 30 messages at 20 per second take at least a second", async () => {
        const pair = await queuePair(false);
        await fillDeadLetters(moto(), pair.dlqUrl, 30, false);
        const started = Date.now();
        const result = await queuestack(["dlq", "redrive", ...flags(pair), "--queue", "scrape", "--rate", "20"]);
        const elapsed = Date.now() - started;
        assert.equal(result.out, 'Redrove 30 dead letters back to "scrape" (stack ops, aws).');
        assert.ok(elapsed >= 1000, `took ${elapsed} ms`);
        assert.equal(await depth(moto(), pair.url), 30);
    });

    it("purges only after confirmation", async () => {
        const pair = await queuePair(false);
        await fillDeadLetters(moto(), pair.dlqUrl, 3, false);
        const refused = await queuestack(["dlq", "purge", ...flags(pair), "--queue", "scrape"], "no\n");
        assert.deepEqual(refused, { code: 1, out: "", err: "queuestack: Not confirmed: nothing purged. Pass --yes to purge without asking." });
        assert.equal(await depth(moto(), pair.dlqUrl), 3);
        const purged = await queuestack(["dlq", "purge", ...flags(pair), "--queue", "scrape", "--yes"]);
        assert.deepEqual(purged, { code: 0, out: 'Purged 3 dead letters of "scrape" (stack ops, aws).', err: "" });
        assert.equal(await depth(moto(), pair.dlqUrl), 0);
    });

    it("shows status from SQS with the dead-letter threshold marked; age stays unknown without CloudWatch data", async () => {
        const pair = await queuePair(false);
        await fillDeadLetters(moto(), pair.dlqUrl, 3, false);
        const send = await queuestack(["send", ...flags(pair), "--queue", "scrape", "--body", "{}", "--attribute", "source=smoke"]);
        assert.match(send.out, /^Sent to "scrape" \(stack ops, aws\): message [0-9a-f-]{36}$/);
        const status = await queuestack(["status", ...flags(pair), "--queue", "scrape"]);
        assert.equal(status.code, 0, status.err);
        assert.deepEqual(status.out.split("\n"), [
            'Stack "ops" on aws: alarms at dead letters >= 3, oldest message >= 600 s',
            "",
            "QUEUE   WAITING  IN FLIGHT  OLDEST  DEAD LETTERS",
            "scrape  1        0          -       3  ! >= 3",
        ]);
    });

    it("names what is missing when neither the Pulumi CLI nor flags give the queue's URLs (exit code 2)", async () => {
        const path = process.env.PATH;
        process.env.PATH = "/nonexistent";
        try {
            const result = await queuestack(["status", "--stack", "ops", "--dir", project.dir]);
            assert.deepEqual(result, {
                code: 2,
                out: "",
                err: 'queuestack: no queue URL for queue "scrape" of stack "ops" (aws): the Pulumi CLI is not installed. Pass --queue-id <queue URL> --dead-letter-id <dead-letter queue URL>, or run where `pulumi stack output --json` works.',
            });
        } finally {
            process.env.PATH = path;
        }
    });
});
