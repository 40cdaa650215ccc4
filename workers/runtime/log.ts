import pino from "pino";

/** The structured JSON logger handed to handlers and adapters (pino). */
export type Logger = pino.Logger;

/** How a logger is made. */
export interface LoggerOptions {
    /** Shown as `service` on every line. @default "queuestack-worker" */
    name?: string;
    /** pino level: trace | debug | info | warn | error | fatal | silent. @default env LOG_LEVEL, else "info" */
    level?: string;
    /** Where lines go. @default stdout */
    destination?: pino.DestinationStream;
}

/** A JSON-lines logger: one object per line with level, time (ISO 8601), service and message. */
export function createLogger(options: LoggerOptions = {}): Logger {
    return pino(
        {
            level: options.level ?? process.env.LOG_LEVEL ?? "info",
            base: { service: options.name ?? "queuestack-worker", pid: process.pid },
            timestamp: pino.stdTimeFunctions.isoTime,
            formatters: { level: (label) => ({ level: label }) },
        },
        options.destination ?? pino.destination({ dest: 1, sync: true }),
    );
}
