import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";

/** Error for people: the data directory is in use or unusable. */
export class DataDirError extends Error {
    override readonly name = "DataDirError";
}

function alive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (error) {
        return (error as NodeJS.ErrnoException).code === "EPERM";
    }
}

/**
 * Makes `dir` this process's: one runner per data directory, so a new run may take back the
 * messages and claims of a run that died. A lock left by a dead process is taken over.
 * Returns the release function.
 */
export function lockDataDir(dir: string): () => void {
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, "runner.pid");
    if (existsSync(file)) {
        const pid = Number(readFileSync(file, "utf8").trim());
        if (Number.isInteger(pid) && pid !== process.pid && alive(pid)) {
            throw new DataDirError(`${dir} is in use by another queuestack local runner (pid ${pid}). Stop it, or pass another --data-dir.`);
        }
    }
    writeFileSync(file, `${process.pid}\n`);
    return () => {
        if (existsSync(file) && readFileSync(file, "utf8").trim() === String(process.pid)) rmSync(file);
    };
}

/** The stack's API key: QUEUESTACK_API_KEY, else the one kept in `dir/api-key` (created on first run, mode 600). */
export function apiKeyFor(dir: string, env: NodeJS.ProcessEnv = process.env): string {
    if (env.QUEUESTACK_API_KEY) return env.QUEUESTACK_API_KEY;
    const file = path.join(dir, "api-key");
    if (existsSync(file)) return readFileSync(file, "utf8").trim();
    const key = randomBytes(24).toString("base64url");
    writeFileSync(file, `${key}\n`, { mode: 0o600 });
    return key;
}
