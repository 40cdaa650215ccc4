import { createLogger, type Logger } from "../../../workers/runtime";

/** A real pino logger whose JSON lines are kept in `lines` (parsed) instead of printed. */
export function capturedLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({
        name: "test-worker",
        level: "debug",
        destination: { write: (line: string) => void lines.push(JSON.parse(line)) },
    });
    return { logger, lines };
}
