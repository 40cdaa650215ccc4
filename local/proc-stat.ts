import { readFileSync } from "node:fs";

/** What /proc/<pid>/stat says of a process (Linux). */
export interface ProcStat {
    /** One letter: R running, S sleeping, Z zombie, ... */
    state: string;
    /** The parent's pid now (after a parent dies, the process it was reparented to). */
    ppid: number;
    /** Start time in clock ticks since boot: with the pid, names one process even when pids are reused. */
    startTicks: string;
}

/** /proc/<pid>/stat (or /proc/self/stat) parsed; undefined when there is no /proc (not Linux) or the process is gone. */
export function procStat(pid: number | "self"): ProcStat | undefined {
    try {
        const text = readFileSync(`/proc/${pid}/stat`, "utf8");
        // Fields after "(comm)", which may hold spaces: state is the line's 3rd field, ppid the 4th, starttime the 22nd.
        const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
        return { state: fields[0]!, ppid: Number(fields[1]), startTicks: fields[19]! };
    } catch {
        return undefined;
    }
}
