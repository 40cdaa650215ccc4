import type { Outcome, Processor, RawMessage } from "../runtime";

/**
 * Why Azure workers hold a failed delivery: Service Bus redelivers an abandoned message at once
 * (abandon takes no delay, and the Functions Service Bus trigger has no retry policy: retries are
 * the queue's own redeliveries, "Azure Functions error handling and retries", Retries table). A
 * delivery given back straight away meets the same outage, or the idempotency lease still held by
 * the delivery before it, and maxDeliveryCount is used up in milliseconds with the work never
 * retried. So a delivery is held (its lock renewed: by the receiver on VMs, by the Functions host
 * up to maxAutoLockRenewalDuration) until a retry can help.
 */

/** How long a failed delivery is held before it is given back, by attempt: 1 s, doubling, at most 60 s. */
export const defaultRetryDelayMs = (attempt: number) => Math.min(60_000, 1000 * 2 ** Math.max(0, attempt - 1));

/** Waits `ms`, or less if `signal` aborts first. */
export const sleep = (ms: number, signal?: AbortSignal) =>
    new Promise<void>((resolve) => {
        if (signal?.aborted) return resolve();
        const done = () => {
            clearTimeout(timer);
            signal?.removeEventListener("abort", done);
            resolve();
        };
        const timer = setTimeout(done, ms);
        signal?.addEventListener("abort", done, { once: true });
    });

export interface HoldOptions {
    /**
     * When the delivery must be given back, epoch ms: the Functions invocation's end less a margin.
     * No wait goes past it. @default never (a VM receiver renews the lock as long as it likes)
     */
    until?: number;
    /** Longest run of the handler, ms: a run is started only if it can finish by `until`. @default 0 */
    runMs?: number;
    /** Passed to each run of the processor (the attempt's deadline). @default none */
    deadline?: Date;
    /** Hold after a failed run, by attempt. @default defaultRetryDelayMs */
    retryDelayMs?: (attempt: number) => number;
    /** Stops waiting at once (a VM receiver draining): the outcome is returned as it is. */
    stop?: AbortSignal;
    /** The clock. @default Date.now */
    now?: () => number;
    /** Waits. @default sleep(ms, stop) */
    wait?: (ms: number) => Promise<void>;
}

/** First poll of a key another delivery holds; doubles per poll up to `maxPollMs`, never past its lease. */
const firstPollMs = 1000;
const maxPollMs = 30_000;
/** Shortest wait between polls: a lease that should have ended by our clock may not by the holder's. */
const minPollMs = 100;

/**
 * Runs one delivery to the outcome to settle it with, holding it while a retry could not help yet:
 * - another delivery holds the message's idempotency key (`retry` with `heldUntil`): polls (1 s,
 *   doubling, at most 30 s, never past the lease) and runs again in the same delivery, so waiting
 *   for another delivery costs no delivery count; once the holder finishes, the run answers
 *   `duplicate`, once its lease lapses the run claims the key and calls the handler (a lease
 *   ending too late to run by `until` is waited out as far as `until` allows, then given back);
 * - any other `retry` (the handler failed or timed out, a store failed): holds the delivery for
 *   `retryDelayMs(attempt)`, then returns the outcome, so the redelivery comes after the pause;
 * never waiting past `until`, and not at all once `stop` aborts.
 */
export async function processHeld(processor: Processor, raw: RawMessage, options: HoldOptions): Promise<Outcome> {
    const now = options.now ?? Date.now;
    const wait = options.wait ?? ((ms: number) => sleep(ms, options.stop));
    const until = options.until ?? Infinity;
    const run = () => processor(raw, options.deadline ? { deadline: options.deadline } : {});
    let outcome = await run();
    for (let pollMs = firstPollMs; outcome.kind === "retry" && outcome.heldUntil && !options.stop?.aborted; pollMs = Math.min(maxPollMs, pollMs * 2)) {
        const pause = Math.max(minPollMs, Math.min(pollMs, outcome.heldUntil.getTime() - now()));
        if (now() + pause + (options.runMs ?? 0) > until) break;
        await wait(pause);
        outcome = await run();
    }
    if (outcome.kind === "retry" && !options.stop?.aborted) {
        // A lease too long to wait out and run after: give the delivery back when it ends, not before.
        const hold = outcome.heldUntil ? outcome.heldUntil.getTime() - now() : (options.retryDelayMs ?? defaultRetryDelayMs)(raw.attempt);
        const pause = Math.min(hold, until - now());
        if (pause > 0) await wait(pause);
    }
    return outcome;
}
