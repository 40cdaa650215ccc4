import { idempotencyKeyOf, type Message, type RuntimeSettings, type WorkerDefinition } from "../../workers/runtime";

/** The message that already did the work of `item` sent to `queue`, or undefined. */
export type SeenWork = (queue: string, item: object) => string | undefined;

/** One worker behind the guard: what it consumes and how it keys its work. */
export interface GuardedWorker {
    /** The spec queue it consumes (the scope of its keys). */
    queue: string;
    worker: WorkerDefinition<any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    settings: RuntimeSettings;
}

/**
 * Tells the local intake, before it answers 202, whether a message's idempotency key was completed
 * already: the key is computed as the worker computes it (its decodeBody, then its idempotencyKey
 * or the spec's key), so `{"url": "https://a.test"}` and `{"url": "https://a.test/"}` are the same
 * work to the example scraper. Keys by message id never repeat for a new message and are skipped;
 * a body the worker cannot decode or key is not known work.
 */
export function seenWork(workers: GuardedWorker[], completedBy: (key: string) => string | undefined): SeenWork {
    return (queue, item) => {
        for (const { queue: scope, worker, settings } of workers) {
            if (scope !== queue || !settings.idempotency.enabled) continue;
            const source = worker.idempotencyKey ?? settings.idempotency.key;
            if (source === "messageId") continue;
            try {
                const body: unknown = worker.decodeBody ? worker.decodeBody(item) : item;
                const message: Message<unknown> = { id: "", body, attributes: {}, attempt: 1, enqueuedAt: new Date() };
                const original = completedBy(`${scope}#${idempotencyKeyOf(message, source)}`);
                if (original !== undefined) return original;
            } catch {
                // Not decodable or keyable: the worker will dead-letter it, not deduplicate it.
            }
        }
        return undefined;
    };
}
