import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

/** What a planned boot script starts: the worker service's environment file and where it fetches the bundle from. */
export interface BootService {
    /** The variables written to the service's EnvironmentFile, unquoted as systemd reads them. */
    environment: Record<string, string>;
    /** The `fetch_bundle` step's source, e.g. "s3://bucket/key" or "gs://bucket/object". */
    bundleSource: string;
}

/** A value of a systemd EnvironmentFile line, unquoted (double quotes with \\ \" and \n escapes, as components/vm writes them). */
function systemdUnquote(value: string): string {
    if (!value.startsWith('"')) return value;
    return value.slice(1, -1).replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
}

/**
 * Reads the worker service out of a planned boot script (components/vm/worker-service.ts): the
 * heredoc written to /etc/queuestack/worker.env, and the object `fetch_bundle` copies.
 */
export function bootService(script: string): BootService {
    const env = /cat > \/etc\/queuestack\/worker\.env <<'QUEUESTACK_ENV'\n([\s\S]*?)\nQUEUESTACK_ENV/.exec(script);
    const fetch = /fetch_bundle\(\) \{\n[^\n]*?((?:s3|gs):\/\/\S+)/.exec(script);
    if (!env || !fetch) throw new Error(`the boot script writes no worker.env or fetches no bundle (expected components/vm/worker-service.ts's script):\n${script.slice(0, 300)}`);
    const environment = Object.fromEntries(
        env[1]!.split("\n").filter(Boolean).map((line) => {
            const at = line.indexOf("=");
            return [line.slice(0, at), systemdUnquote(line.slice(at + 1))];
        }),
    );
    return { environment, bundleSource: fetch[1]! };
}

/** A worker bundle running as the boot script's service would: `node worker.js` with the EnvironmentFile's variables. */
export interface VmService {
    /** The service's last lines of output. */
    logs(): string;
    /** True while it runs (systemd would restart it after an exit; the rehearsal reports the exit). */
    running(): boolean;
    stop(): Promise<void>;
}

/**
 * Starts `bundle` in its own process with exactly `environment` (plus PATH, and what the instance
 * itself provides: `platform`), from a temporary /opt/queuestack. Stopped with SIGTERM, as systemd
 * stops the unit, by its process id.
 */
export function startVmService(bundle: string, environment: Record<string, string>, platform: Record<string, string>): VmService {
    const dir = mkdtempSync(path.join(tmpdir(), "queuestack-vm-"));
    writeFileSync(path.join(dir, "worker.js"), bundle);
    let output = "";
    const child = spawn(process.execPath, [path.join(dir, "worker.js")], { cwd: dir, env: { PATH: process.env.PATH ?? "", ...environment, ...platform }, stdio: ["ignore", "pipe", "pipe"] });
    const capture = (chunk: Buffer) => void (output = (output + chunk.toString()).slice(-8_000));
    child.stdout.on("data", capture);
    child.stderr.on("data", capture);
    const kill = () => child.kill("SIGKILL");
    process.once("exit", kill);
    return {
        logs: () => output.trim().split("\n").slice(-10).join("\n"),
        running: () => child.exitCode === null && child.signalCode === null,
        stop: async () => {
            process.removeListener("exit", kill);
            if (child.exitCode === null && child.signalCode === null) {
                const exited = new Promise((resolve) => child.once("exit", resolve));
                child.kill("SIGTERM");
                const late = setTimeout(() => child.kill("SIGKILL"), 10_000);
                await exited;
                clearTimeout(late);
            }
            rmSync(dir, { recursive: true, force: true });
        },
    };
}
