/**
 * Thrown by a handler when retrying cannot help (malformed input, a resource that is not HTML...).
 * The message skips the remaining retries: it goes to the dead-letter queue with `reason` where
 * the cloud allows it, and the reason is recorded in the datastore under the message id.
 */
export class PermanentError extends Error {
    override readonly name = "PermanentError";
    constructor(
        /** Why the message can never succeed; shown next to it in the dead-letter queue. */
        readonly reason: string,
        options?: { cause?: unknown },
    ) {
        super(reason, options);
    }
}

/** True for errors that must not be retried. Every other error is retryable. */
export function isPermanent(error: unknown): error is PermanentError {
    return error instanceof PermanentError || (error instanceof Error && error.name === "PermanentError");
}

/** A bad or missing setting in the worker's environment: names the variable and how to fix it. */
export class ConfigError extends Error {
    override readonly name = "ConfigError";
}

/** One line describing an error, for logs and dead-letter reasons. */
export function describeError(error: unknown): string {
    if (error instanceof Error) return `${error.name}: ${error.message}`;
    return `non-Error thrown: ${String(error)}`;
}
