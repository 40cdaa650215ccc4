import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { googleApi, type GoogleApiCall } from "../../../workers/gcp/google-api";
import { createServer } from "node:net";

/** A Google Cloud emulator (Firestore or Pub/Sub) on a loopback port. */
export interface Emulator {
    /** `127.0.0.1:<port>`, as FIRESTORE_EMULATOR_HOST / PUBSUB_EMULATOR_HOST take it. */
    host: string;
    stop(): void;
}

/** True when the gcloud CLI (which ships the emulators) is on PATH. */
export function gcloudAvailable(): boolean {
    return spawnSync("sh", ["-c", "command -v gcloud"], { stdio: "ignore" }).status === 0;
}

function loopbackPort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const probe = createServer().once("error", reject);
        probe.listen(0, "127.0.0.1", () => {
            const { port } = probe.address() as { port: number };
            probe.close(() => resolve(port));
        });
    });
}

const commands = {
    firestore: ["emulators", "firestore", "start"],
    pubsub: ["beta", "emulators", "pubsub", "start"],
} as const;

/** Starts `gcloud <kind> emulator` on 127.0.0.1 and waits (up to 60 s) until it answers. */
export async function startEmulator(kind: keyof typeof commands): Promise<Emulator> {
    const host = `127.0.0.1:${await loopbackPort()}`;
    let output = "";
    // Its own process group, so stopping it also stops the Java server gcloud starts.
    const child: ChildProcess = spawn("gcloud", [...commands[kind], `--host-port=${host}`, "--quiet"], { detached: true, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout?.on("data", (chunk) => (output = (output + chunk).slice(-4000)));
    child.stderr?.on("data", (chunk) => (output = (output + chunk).slice(-4000)));
    child.unref();
    const stop = () => {
        try {
            process.kill(-child.pid!, "SIGTERM");
        } catch {
            // already gone
        }
    };
    process.once("exit", stop);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
        if (child.exitCode !== null) throw new Error(`${kind} emulator exited with ${child.exitCode}: ${output}`);
        try {
            if ((await fetch(`http://${host}/`)).ok) return { host, stop };
        } catch {
            // not listening yet
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
    }
    stop();
    throw new Error(`${kind} emulator did not answer on ${host} within 60 s: ${output}`);
}

/** REST clients of the running emulators; set once the suite's `before` hook has run. */
export interface EmulatorClients {
    pubsub: GoogleApiCall;
    firestore: GoogleApiCall;
}

/**
 * Starts the Pub/Sub and Firestore emulators before the calling suite (skipping it when gcloud is
 * missing) and stops them after. Call inside `describe`; read the clients inside tests.
 */
export function useEmulators(): EmulatorClients {
    const clients = {} as EmulatorClients;
    let started: Emulator[] = [];
    before(async function () {
        if (!gcloudAvailable()) this.skip();
        started = await Promise.all([startEmulator("pubsub"), startEmulator("firestore")]);
        clients.pubsub = googleApi({ baseUrl: "https://pubsub.googleapis.com", emulatorHost: started[0]!.host });
        clients.firestore = googleApi({ baseUrl: "https://firestore.googleapis.com", emulatorHost: started[1]!.host });
    });
    after(() => started.forEach((emulator) => emulator.stop()));
    return clients;
}
