import type { Logger } from "./log";
import type { Message } from "./message";

/** What a handler receives beside the message. */
export interface WorkerContext {
    /** Structured logger; lines carry the message id and attempt. */
    logger: Logger;
    /** Aborted when the attempt's deadline passes; pass it to fetch and other I/O. */
    signal: AbortSignal;
    /** When this attempt times out (the worker's timeoutSeconds). */
    deadline: Date;
}

/**
 * What identifies a unit of work for the idempotency guard:
 * `"messageId"`, `"body.<path>"` (e.g. `"body.url"`), or a function of the message.
 */
export type IdempotencyKeySource<TBody> = string | ((message: Message<TBody>) => string);

/** The handler contract a queuestack worker module exports. */
export interface WorkerOptions<TBody, TResult> {
    /**
     * Processes one message. The returned value is stored as the job's result. Throw
     * `PermanentError` when retrying cannot help (the message goes to the dead-letter queue with the
     * reason); any other error is retried until the queue's maxReceiveCount.
     */
    handle(message: Message<TBody>, context: WorkerContext): Promise<TResult> | TResult;
    /**
     * The idempotency key. When given, it wins over the spec's `idempotency.key`
     * (env QUEUESTACK_IDEMPOTENCY_KEY).
     * @default the spec's key (`messageId` unless set)
     */
    idempotencyKey?: IdempotencyKeySource<TBody>;
    /**
     * Checks and narrows the decoded JSON body; throw (any error) to dead-letter a malformed message.
     * @default the body is passed on as decoded
     */
    decodeBody?(body: unknown): TBody;
}

/** A worker, as produced by `defineWorker`: the default export of a worker module. */
export interface WorkerDefinition<TBody = unknown, TResult = unknown> extends WorkerOptions<TBody, TResult> {
    readonly kind: typeof workerKind;
}

const workerKind = "queuestack.worker";

/**
 * Declares a worker. The module's default export is what the adapters run:
 *
 * ```ts
 * export default defineWorker<{ url: string }>({
 *     idempotencyKey: "body.url",
 *     async handle(message, { signal }) { ... },
 * });
 * ```
 */
export function defineWorker<TBody = unknown, TResult = unknown>(
    options: WorkerOptions<TBody, TResult>,
): WorkerDefinition<TBody, TResult> {
    if (typeof options?.handle !== "function") {
        throw new TypeError("defineWorker needs a handle(message, context) function.");
    }
    return { ...options, kind: workerKind };
}

/**
 * The worker a module exports, checked. `where` names the module for the error
 * (e.g. "workers/example").
 */
export function workerFromModule(exported: unknown, where: string): WorkerDefinition {
    const candidate = (exported as { default?: unknown } | undefined)?.default ?? exported;
    if ((candidate as WorkerDefinition | undefined)?.kind !== workerKind) {
        throw new TypeError(
            `${where} does not export a worker (got ${typeof candidate}). ` +
                "Add `export default defineWorker({ handle(message, context) { ... } })`.",
        );
    }
    return candidate as WorkerDefinition;
}
