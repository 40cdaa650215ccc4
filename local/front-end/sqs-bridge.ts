import { SendMessageBatchCommand, type SendMessageBatchCommandOutput, type SQSClient } from "@aws-sdk/client-sqs";
import type { QueueEngine } from "../engine/queue-engine";
import { LocalQueueError } from "../engine/types";

/** The queue URL the front end is given for a local queue. */
export const localQueueUrl = (queue: string) => `local:queue/${queue}`;

const queueFromUrl = (url: string | undefined) => url?.replace(/^local:queue\//, "") ?? "";

/**
 * Answers the front end's SendMessageBatch calls from the local engine, so the local target runs
 * the very request handler the AWS stack deploys (same routes, validation, limits and messages).
 * A batch is one engine transaction; a refused batch (e.g. a missing deduplication id) reports
 * every entry as failed, like SQS's per-entry failures.
 */
export function engineAsSqs(engine: QueueEngine): SQSClient {
    const send = async (command: unknown): Promise<Partial<SendMessageBatchCommandOutput>> => {
        if (!(command instanceof SendMessageBatchCommand)) {
            throw new Error(`the local SQS bridge answers SendMessageBatch only, got ${(command as object)?.constructor?.name}`);
        }
        const { QueueUrl, Entries = [] } = command.input;
        try {
            const results = await engine.group.run(() =>
                engine.sendBatch(
                queueFromUrl(QueueUrl),
                Entries.map((entry) => ({
                    body: entry.MessageBody ?? "",
                    ...(entry.MessageGroupId ? { groupKey: entry.MessageGroupId } : {}),
                    ...(entry.MessageDeduplicationId ? { deduplicationId: entry.MessageDeduplicationId } : {}),
                    ...(entry.DelaySeconds !== undefined ? { delaySeconds: entry.DelaySeconds } : {}),
                })),
                ),
            );
            return { Successful: Entries.map((entry, i) => ({ Id: entry.Id, MessageId: results[i].id, MD5OfMessageBody: "" })), Failed: [] };
        } catch (error) {
            if (!(error instanceof LocalQueueError)) throw error;
            return { Successful: [], Failed: Entries.map((entry) => ({ Id: entry.Id, SenderFault: true, Code: "InvalidParameterValue", Message: error.message })) };
        }
    };
    return { send } as unknown as SQSClient;
}
