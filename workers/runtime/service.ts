import type { Logger } from "./log";

/** A long-running consumer (a VM poller / subscriber). */
export interface Service {
    /** Runs until stopped; resolves once everything is drained. */
    run(): Promise<void>;
    /** Stops taking work and drains; `run()` then resolves. */
    stop(): unknown;
}

/**
 * Runs a VM worker process: builds the service (`create` may throw a ConfigError), stops it on
 * SIGTERM/SIGINT (systemd's stop), exits 0 once drained, or 1 with a fatal log line on failure.
 */
export function runService(logger: Logger, create: () => Service): void {
    const fail = (error: unknown) => {
        logger.fatal({ err: error }, "the worker could not run");
        process.exit(1);
    };
    let service: Service;
    try {
        service = create();
    } catch (error) {
        fail(error);
        return;
    }
    for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => void service.stop());
    service.run().then(() => process.exit(0), fail);
}
