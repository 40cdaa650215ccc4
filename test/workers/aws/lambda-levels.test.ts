import { strict as assert } from "node:assert";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { createLambdaHandler } from "../../../workers/aws/lambda-handler";
import type { SqsEventRecord } from "../../../workers/aws/sqs-message";
import { capturedLogger } from "../helpers/capture-logs";

const url = (name: string) => `https://sqs.eu-west-1.amazonaws.com/123456789012/${name}`;
const record = (id: string, queue: string): SqsEventRecord => ({
    messageId: id,
    receiptHandle: `rh-${id}`,
    body: "{}",
    attributes: { ApproximateReceiveCount: "1", SentTimestamp: String(Date.now()) },
    eventSourceARN: `arn:aws:sqs:eu-west-1:123456789012:${queue}`,
});

describe("aws: Lambda worker over priority levels", () => {
    it("returns a dead-lettered record to the level queue it came from", async () => {
        const calls: { QueueUrl?: string; ReceiptHandle?: string }[] = [];
        const sqs = { send: async (command: { input: { QueueUrl?: string; ReceiptHandle?: string } }) => void calls.push(command.input) } as unknown as SQSClient;
        const handler = createLambdaHandler({
            processor: async () => ({ kind: "dead-letter", reason: "bad input" }),
            sqs,
            queueUrl: url("shop-jobs-low"),
            levelUrls: { "shop-jobs-high": url("shop-jobs-high"), "shop-jobs-low": url("shop-jobs-low") },
            logger: capturedLogger().logger,
        });
        const response = await handler({ Records: [record("a", "shop-jobs-high"), record("b", "shop-jobs-low")] });
        assert.deepEqual(response.batchItemFailures.map((f) => f.itemIdentifier).sort(), ["a", "b"]);
        assert.deepEqual(calls.map((c) => [c.ReceiptHandle, c.QueueUrl]).sort(), [["rh-a", url("shop-jobs-high")], ["rh-b", url("shop-jobs-low")]]);
    });
});
