/** How the local runner writes its log: readable lines on a terminal, JSON lines when piped. */
export type LogFormat = "pretty" | "json";

/**
 * The log format: QUEUESTACK_LOG_FORMAT ("pretty" or "json") when set, else "pretty" when stdout
 * is a terminal and "json" otherwise (a pipe, a file, a log collector).
 */
export function logFormat(env: NodeJS.ProcessEnv = process.env, isTTY = Boolean(process.stdout.isTTY)): LogFormat {
    const chosen = env.QUEUESTACK_LOG_FORMAT;
    if (chosen === "pretty" || chosen === "json") return chosen;
    if (chosen !== undefined && chosen !== "") throw new TypeError(`QUEUESTACK_LOG_FORMAT is ${JSON.stringify(chosen)}; set it to "pretty" or "json", or unset it (pretty on a terminal, JSON when piped).`);
    return isTTY ? "pretty" : "json";
}

/** Fields every line has, left out of the pretty line's key=value tail. */
const skipped = new Set(["level", "time", "msg", "service", "pid", "hostname", "err"]);

/**
 * Turns one pino JSON line into a line for people: `HH:MM:SS LEVEL message key=value ...`, an
 * error's stack indented below it. A line that is not JSON passes through unchanged.
 */
export function prettyLine(json: string): string {
    let record: Record<string, unknown>;
    try {
        record = JSON.parse(json) as Record<string, unknown>;
    } catch {
        return json.endsWith("\n") ? json : `${json}\n`;
    }
    const time = typeof record.time === "string" ? record.time.slice(11, 19) : "";
    const level = String(record.level ?? "info").toUpperCase().padEnd(5);
    const fields = Object.entries(record)
        .filter(([key]) => !skipped.has(key))
        .map(([key, value]) => `${key}=${typeof value === "string" && !/\s/.test(value) ? value : JSON.stringify(value)}`);
    const err = record.err as { stack?: string; message?: string } | undefined;
    const stack = err ? `\n    ${(err.stack ?? err.message ?? String(err)).split("\n").join("\n    ")}` : "";
    return `${[time, level, String(record.msg ?? ""), ...fields].filter(Boolean).join(" ")}${stack}\n`;
}

/** A pino destination that writes `prettyLine` of each record to `out`. */
export function prettyDestination(out: { write(text: string): unknown } = process.stdout): { write(line: string): void } {
    return { write: (line) => void out.write(prettyLine(line)) };
}
