import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { procStat } from "./proc-stat";

/** Error for people: the data directory is in use or unusable. */
export class DataDirError extends Error {
    override readonly name = "DataDirError";
}

/** The lock file's holder: its pid and, on Linux, its start time in clock ticks since boot (so a reused pid is not taken for it). */
interface Holder {
    pid: number;
    startTicks?: string;
}

/** Whether the lock's holder still runs: its pid answers signal 0, is not a zombie, and (on Linux) started when the lock says. */
function running(holder: Holder): boolean {
    try {
        process.kill(holder.pid, 0);
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
    }
    const stat = procStat(holder.pid);
    if (stat?.state === "Z") return false;
    return holder.startTicks === undefined || stat === undefined || stat.startTicks === holder.startTicks;
}

function readHolder(file: string): Holder | undefined {
    if (!existsSync(file)) return undefined;
    const [pid, startTicks] = readFileSync(file, "utf8").trim().split(/\s+/);
    const n = Number(pid);
    return Number.isInteger(n) && n > 0 ? { pid: n, ...(startTicks ? { startTicks } : {}) } : undefined;
}

/** This process's hold on a data directory. */
export interface DataDirLock {
    /** Removes the lock file if it is still this process's. */
    release(): void;
    /** The pid of a run that died holding the directory, when this lock took its place. */
    tookOverFrom?: number;
}

/**
 * Makes `dir` this process's: one runner per data directory, so a new run may take back the
 * messages and claims of a run that died. The lock file `runner.pid` holds the pid (and on Linux
 * the process's start time, so a reused pid does not keep a dead run's lock). A lock whose holder
 * is gone is taken over, and `tookOverFrom` says whose it was; a live holder's is refused with
 * DataDirError.
 */
export function lockDataDir(dir: string): DataDirLock {
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, "runner.pid");
    const startTicks = procStat(process.pid)?.startTicks;
    let tookOverFrom: number | undefined;
    for (let attempt = 1; ; attempt++) {
        try {
            // "wx": two runners starting at once cannot both write it.
            writeFileSync(file, `${process.pid}${startTicks ? ` ${startTicks}` : ""}\n`, { flag: "wx" });
            break;
        } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== "EEXIST" || attempt === 3) throw error;
        }
        const holder = readHolder(file);
        if (holder && holder.pid !== process.pid && running(holder)) {
            throw new DataDirError(`${dir} is in use by another queuestack local runner (pid ${holder.pid}). Stop it, or pass another --data-dir.`);
        }
        if (holder && holder.pid !== process.pid) tookOverFrom = holder.pid;
        rmSync(file, { force: true });
    }
    return {
        release: () => {
            if (readHolder(file)?.pid === process.pid) rmSync(file);
        },
        ...(tookOverFrom !== undefined ? { tookOverFrom } : {}),
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
