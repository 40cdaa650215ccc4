import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";

/** An emulator the rehearsal failed to start or reach; the message carries the emulator's own output. */
export class EmulatorError extends Error {
    override readonly name = "EmulatorError";
}

/** A local emulator process on 127.0.0.1. */
export interface Emulator {
    /** What runs, e.g. "moto_server". */
    label: string;
    /** `host:port` it listens on. */
    hostPort: string;
    /** `http://host:port`. */
    endpoint: string;
    /** The last lines the emulator wrote (for error messages). */
    output(): string;
    /** Stops the process (and its children) by its id and waits for it to exit. */
    stop(): Promise<void>;
}

export interface EmulatorLaunch {
    label: string;
    /** The program and its arguments for a port. */
    command(port: number): { program: string; args: string[]; env?: NodeJS.ProcessEnv };
    /** True once the emulator answers (`endpoint` is `http://127.0.0.1:<port>`). */
    ready(endpoint: string): Promise<boolean>;
    /** Longest wait for `ready`, ms. @default 30000 */
    startTimeoutMs?: number;
}

/** True when `program` is on PATH (or is an existing file). */
export function installed(program: string): boolean {
    return spawnSync("sh", ["-c", `command -v "${program}"`], { stdio: "ignore" }).status === 0;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const address = server.address();
            server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no free port"))));
        });
    });
}

/** True when an HTTP GET of `url` answers at all (any status). */
export async function answers(url: string, ok: (status: number) => boolean = () => true): Promise<boolean> {
    try {
        return ok((await fetch(url, { signal: AbortSignal.timeout(2_000) })).status);
    } catch {
        return false;
    }
}

/**
 * Starts an emulator on a free loopback port in its own process group, writes its output to a
 * temporary log, and waits until it answers. Stopped by its process id (group), never by name; also
 * stopped when this process exits.
 */
export async function launch(spec: EmulatorLaunch): Promise<Emulator> {
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    const logDir = mkdtempSync(path.join(tmpdir(), "queuestack-rehearse-"));
    const logFile = path.join(logDir, "emulator.log");
    const log = openSync(logFile, "w");
    const { program, args, env } = spec.command(port);
    const child = spawn(program, args, { stdio: ["ignore", log, log], detached: true, env: { ...process.env, ...env } });
    closeSync(log);
    child.unref();
    const output = () => {
        try {
            return readFileSync(logFile, "utf8").trim().split("\n").slice(-15).join("\n");
        } catch {
            return "";
        }
    };
    const kill = () => signalGroup(child, "SIGTERM");
    process.once("exit", kill);
    const stop = async () => {
        process.removeListener("exit", kill);
        if (child.exitCode === null && child.signalCode === null) {
            const exited = new Promise((resolve) => child.once("exit", resolve));
            kill();
            const late = setTimeout(() => signalGroup(child, "SIGKILL"), 5_000);
            await exited;
            clearTimeout(late);
        }
        rmSync(logDir, { recursive: true, force: true });
    };
    const timeout = spec.startTimeoutMs ?? 30_000;
    const deadline = Date.now() + timeout;
    let spawnError: Error | undefined;
    child.once("error", (error) => (spawnError = error));
    while (!(await spec.ready(endpoint))) {
        if (spawnError || child.exitCode !== null || Date.now() > deadline) {
            const why = spawnError ? `could not start (${spawnError.message})` : child.exitCode !== null ? `exited with code ${child.exitCode}` : `did not answer on ${endpoint} within ${timeout / 1000} s`;
            const text = output();
            await stop();
            throw new EmulatorError(`${spec.label} ${why}${text ? `:\n${text}` : ""}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 150));
    }
    return { label: spec.label, hostPort: `127.0.0.1:${port}`, endpoint, output, stop };
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
    if (child.pid === undefined) return;
    try {
        process.kill(-child.pid, signal);
    } catch {
        // already gone
    }
}
