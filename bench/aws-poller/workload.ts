/**
 * The workload every contender runs: a fresh queue (with its dead-letter queue) fed N messages
 * `{ n }` while it is consumed, one handler (simulated I/O, nothing else), and the zero-loss check
 * afterwards.
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
    /**
     * Messages kept waiting in the queue: the feeder tops the queue up to this many unhandled
     * messages while the contender runs (0: all N are queued before the clock starts).
     */
    backlog: number;
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

/** Sends `{ n }` for each number in one SendMessageBatch request (at most 10). */
async function sendNumbers(moto: Moto, queueUrl: string, numbers: number[]): Promise<void> {
    const out = await moto.sqs.send(
        new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: numbers.map((n) => ({ Id: String(n), MessageBody: JSON.stringify({ n }) })) }),
    );
    if (out.Failed?.length) throw new Error(`moto refused ${out.Failed.length} sends: ${JSON.stringify(out.Failed)}`);
}

/**
 * Feeds `{ n }` for n = 0..total-1 into the queue. `prefill` queues the first messages before the
 * clock starts (the backlog, or all of them when the backlog is 0); `run` then keeps at most
 * `backlog` unhandled messages in the queue until all are sent, so moto's receive cost, which grows
 * with queue depth, stays the same for every contender.
 */
export class Feeder {
    private sent = 0;

    constructor(
        private readonly moto: Moto,
        private readonly queueUrl: string,
        private readonly total: number,
        private readonly backlog: number,
        private readonly tally: Tally,
    ) {}

    async prefill(): Promise<void> {
        await this.sendUpTo(this.backlog === 0 ? this.total : Math.min(this.backlog, this.total));
    }

    async run(): Promise<void> {
        while (this.sent < this.total) {
            const room = this.backlog - (this.sent - this.tally.distinct);
            if (room >= 10 || this.total - this.sent <= room) await this.sendUpTo(this.sent + Math.min(room, 10));
            else await new Promise((resolve) => setTimeout(resolve, 2));
        }
    }

    private async sendUpTo(end: number): Promise<void> {
        const last = Math.min(end, this.total);
        for (let start = this.sent; start < last; start += 100) {
            const batches = Array.from({ length: Math.ceil(Math.min(100, last - start) / 10) }, (_, b) =>
                Array.from({ length: Math.min(10, last - start - b * 10) }, (_, i) => start + b * 10 + i));
            await Promise.all(batches.map((numbers) => sendNumbers(this.moto, this.queueUrl, numbers)));
        }
        this.sent = last;
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
