import { googleApi, type GoogleApiCall } from "../../../workers/gcp/google-api";
import { startGcloudEmulator, type GcloudEmulatorKind } from "../../../rehearse/emulators/gcloud";
import { installed, type Emulator } from "../../../rehearse/emulators/process";
import { emulatorProject, testEmulators } from "../../helpers/emulators";

export type { Emulator };

/** True when the gcloud CLI (which ships the emulators) is on PATH. */
export const gcloudAvailable = () => installed("gcloud");

/**
 * Starts `gcloud <kind> emulator` on a free 127.0.0.1 port (the rehearsal's launcher: its own
 * process group, stopped by id) and waits until it answers. The emulators serve any project in a
 * request's path; `hostPort` is what PUBSUB_EMULATOR_HOST / FIRESTORE_EMULATOR_HOST take.
 */
export const startEmulator = (kind: GcloudEmulatorKind): Promise<Emulator> => startGcloudEmulator(kind, emulatorProject);

/**
 * The test process's emulator of this kind (test/helpers/emulators.ts: started on first use,
 * stopped after the last suite). Suites sharing it keep apart by their topic, subscription and
 * Firestore project names; a suite that needs an emulator to itself calls `startEmulator`.
 */
export const sharedEmulator = (kind: GcloudEmulatorKind): Promise<Emulator> =>
    kind === "pubsub" ? testEmulators.pubsub(emulatorProject) : testEmulators.firestore(emulatorProject);

/** REST clients of the running emulators; set once the suite's `before` hook has run. */
export interface EmulatorClients {
    pubsub: GoogleApiCall;
    firestore: GoogleApiCall;
}

/**
 * The shared Pub/Sub and Firestore emulators for the calling suite (skipping it when gcloud is
 * missing): give topics and subscriptions names no other suite uses. Call inside `describe`; read
 * the clients inside tests.
 */
export function useEmulators(): EmulatorClients {
    const clients = {} as EmulatorClients;
    before(async function () {
        if (!gcloudAvailable()) this.skip();
        this.timeout(90_000);
        const [pubsub, firestore] = await Promise.all([sharedEmulator("pubsub"), sharedEmulator("firestore")]);
        clients.pubsub = googleApi({ baseUrl: "https://pubsub.googleapis.com", emulatorHost: pubsub.hostPort });
        clients.firestore = googleApi({ baseUrl: "https://firestore.googleapis.com", emulatorHost: firestore.hostPort });
    });
    return clients;
}
