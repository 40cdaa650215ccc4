import { startTracing, type Tracing } from "./setup";

/** Tracing as a cloud entry point runs it. */
export interface EntryTracing {
    /**
     * Runs one invocation and exports its spans before answering: a function's instance may be
     * frozen (Lambda, Cloud Functions) or recycled as soon as it returns, with batched spans unsent.
     */
    around<T>(invocation: () => Promise<T>): Promise<T>;
}

/**
 * Starts the process's tracer provider from the OTEL_* variables the components set (spec
 * `tracing`; see docs/tracing.md): OTLP/HTTP export when an endpoint is named, nothing (no-op
 * spans, no flush) otherwise. `serviceName` is the default `service.name` (OTEL_SERVICE_NAME wins).
 * A long-running process (VM worker) exports in batches and flushes once more when it exits.
 */
export function startEntryTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): EntryTracing {
    const tracing: Tracing | undefined = startTracing({ serviceName, env });
    if (tracing) process.once("beforeExit", () => void tracing.shutdown());
    return {
        around: async (invocation) => {
            try {
                return await invocation();
            } finally {
                await tracing?.flush().catch(() => undefined);
            }
        },
    };
}
