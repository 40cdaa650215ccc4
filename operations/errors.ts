/**
 * A mistake in how the command was called (bad flag, unknown stack or queue, missing stack
 * output): printed as one line, exit code 2.
 */
export class UsageError extends Error {
    override readonly name = "UsageError";
}

/** A failure while talking to the target (network, permissions): printed as one line, exit code 1. */
export class OperationError extends Error {
    override readonly name = "OperationError";
}

/** The exit code for a usage mistake, as most command-line tools use it. */
export const usageExitCode = 2;
