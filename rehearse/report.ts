/** One row of a rehearsal report. */
export interface Check {
    /** What kind of check: a user path on an emulator, a contract, or something not rehearsed. */
    kind: "path" | "contract" | "not rehearsed";
    /** Short name, e.g. "accept -> queue -> worker -> datastore -> GET /jobs/{id}". */
    name: string;
    status: "pass" | "fail" | "skip";
    /** What was seen: counts and names when it passed; what is wrong, the value and the fix (or the emulator's own error text) when not. */
    detail: string;
}

/** The rehearsal of one stack. */
export interface Report {
    stack: string;
    cloud: string;
    checks: Check[];
    /** Wall time of the whole rehearsal, ms (plan, emulators, paths, contracts). */
    wallMs: number;
}

/** True when no row failed. */
export const passed = (report: Report) => report.checks.every((c) => c.status !== "fail");

/** Runs a check; any exception becomes a failed row with its message (an emulator's own error text included). */
export async function check(kind: Check["kind"], name: string, run: () => Promise<string>, emulatorErrors: () => string[] = () => []): Promise<Check> {
    emulatorErrors();
    try {
        return { kind, name, status: "pass", detail: await run() };
    } catch (error) {
        const said = [...new Set(emulatorErrors())];
        return { kind, name, status: "fail", detail: errorText(error) + (said.length ? ` | the emulator answered: ${said.join("; ")}` : "") };
    }
}

/** An error as one readable line: AWS SDK errors keep their code (AccessDenied...) and message. */
export function errorText(error: unknown): string {
    if (!(error instanceof Error)) return String(error);
    const code = (error as { Code?: string; code?: string }).Code ?? (error as { code?: string }).code;
    const text = code && !error.message.includes(String(code)) ? `${code}: ${error.message}` : error.message;
    return text.replace(/\s*\n\s*/g, " ").trim();
}

const marks: Record<Check["status"], string> = { pass: "PASS", fail: "FAIL", skip: "SKIP" };

/** The report as a text table: one row per check, then the totals and the wall time. */
export function formatReport(report: Report): string {
    const width = Math.max(...report.checks.map((c) => c.name.length), 5);
    const kindWidth = Math.max(...report.checks.map((c) => c.kind.length), 4);
    const rows = report.checks.map((c) => `${marks[c.status]}  ${c.kind.padEnd(kindWidth)}  ${c.name.padEnd(width)}  ${c.detail}`);
    const count = (status: Check["status"]) => report.checks.filter((c) => c.status === status).length;
    return [
        `Rehearsal of stack "${report.stack}" (${report.cloud})`,
        ...rows,
        `${count("pass")} passed, ${count("fail")} failed, ${count("skip")} not rehearsed, in ${(report.wallMs / 1000).toFixed(1)} s`,
    ].join("\n");
}
