import { answers, launch, type Emulator } from "./process";

/** A gcloud emulator: `pubsub` (`gcloud beta emulators pubsub`) or `firestore` (`gcloud emulators firestore`). */
export type GcloudEmulatorKind = "pubsub" | "firestore";

const commands: Record<GcloudEmulatorKind, string[]> = {
    pubsub: ["beta", "emulators", "pubsub", "start"],
    firestore: ["emulators", "firestore", "start"],
};

/**
 * Starts a gcloud emulator on a free 127.0.0.1 port. Clients reach it through
 * PUBSUB_EMULATOR_HOST / FIRESTORE_EMULATOR_HOST = its `hostPort`.
 */
export function startGcloudEmulator(kind: GcloudEmulatorKind, project: string): Promise<Emulator> {
    return launch({
        label: `gcloud ${kind} emulator`,
        command: (port) => ({ program: "gcloud", args: [...commands[kind], `--host-port=127.0.0.1:${port}`, `--project=${project}`, "--quiet"] }),
        // Both answer GET / with 200 once serving.
        ready: (endpoint) => answers(`${endpoint}/`, (status) => status === 200),
        startTimeoutMs: 60_000,
    });
}
