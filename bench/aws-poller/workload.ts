/**
 * The workload both contenders run: a fresh queue (with its dead-letter queue) filled with N
 * messages `{ n }`, one handler (simulated I/O, nothing else), and the zero-loss check afterwards.
 */
import { SendMessageBatchCommand } from "@aws-sdk/client-sqs";
import type { Moto } from "../../test/workers/helpers/moto";

/** What one run measures. */
export interface BenchOptions {
    /** Messages per contender. */
    messages: number;
    /** Messages in flight at once, the same budget for both contenders (a multiple of 10). */
    concurrency: number;
    /** Simulated I/O per message, in milliseconds. */
    handlerMs: number;
}

/** The queue settings both contenders get: long enough that no message reappears during a run. */
export const queueSettings = { visibilityTimeoutSeconds: 30, maxReceiveCount: 5, waitTimeSeconds: 20 } as const;

/** Counts handler runs per message number. */
export class Tally {
    private readonly runs = new Map<number, number>();

    /** The handler both contenders call: waits `ms` (the simulated I/O), then records the message. */
    handler(ms: number): (body: { n: number }) => Promise<void> {
        return async ({ n }) => {
            await new Promise((resolve) => setTimeout(resolve, ms));
            this.runs.set(n, (this.runs.get(n) ?? 0) + 1);
        };
    }

    /** Distinct messages handled so far. */
    get distinct(): number {
        return this.runs.size;
    }

    /** Handler runs in all, distinct messages handled, the numbers never handled and unknown ones. */
    summary(total: number): { calls: number; distinct: number; missing: number[]; unexpected: number[] } {
        const numbers = [...this.runs.keys()];
        return {
            calls: [...this.runs.values()].reduce((sum, runs) => sum + runs, 0),
            distinct: numbers.length,
            missing: Array.from({ length: total }, (_, n) => n).filter((n) => !this.runs.has(n)),
            unexpected: numbers.filter((n) => !Number.isInteger(n) || n < 0 || n >= total),
        };
    }
}

/** Sends `{ n }` for n = 0..total-1 in SendMessageBatch requests of 10, ten requests at a time. */
export async function fillQueue(moto: Moto, queueUrl: string, total: number): Promise<void> {
    const batches = Array.from({ length: Math.ceil(total / 10) }, (_, b) =>
        Array.from({ length: Math.min(10, total - b * 10) }, (_, i) => b * 10 + i),
    );
    for (let i = 0; i < batches.length; i += 10) {
        await Promise.all(
            batches.slice(i, i + 10).map(async (numbers) => {
                const out = await moto.sqs.send(
                    new SendMessageBatchCommand({
                        QueueUrl: queueUrl,
                        Entries: numbers.map((n) => ({ Id: String(n), MessageBody: JSON.stringify({ n }) })),
                    }),
                );
                if (out.Failed?.length) throw new Error(`moto refused ${out.Failed.length} sends: ${JSON.stringify(out.Failed)}`);
            }),
        );
    }
}

/**
 * Resolves once every message was handled (checked every 5 ms, in process) and then the queue
 * reports nothing visible, in flight or delayed (checked every 20 ms): the same finish line for
 * both contenders, independent of how each counts its deletes.
 */
export async function allHandledAndDeleted(tally: Tally, total: number, queueDepth: () => Promise<number>): Promise<void> {
    while (tally.distinct < total) await new Promise((resolve) => setTimeout(resolve, 5));
    while ((await queueDepth()) > 0) await new Promise((resolve) => setTimeout(resolve, 20));
}
