import { googleApi, type GoogleApiCall } from "../../../workers/gcp/google-api";
import { startGcloudEmulator, type GcloudEmulatorKind } from "../../../rehearse/emulators/gcloud";
import { installed, type Emulator } from "../../../rehearse/emulators/process";

export type { Emulator };

/** True when the gcloud CLI (which ships the emulators) is on PATH. */
export const gcloudAvailable = () => installed("gcloud");

/**
 * Starts `gcloud <kind> emulator` on a free 127.0.0.1 port (the rehearsal's launcher: its own
 * process group, stopped by id) and waits until it answers. The emulators serve any project in a
 * request's path; `hostPort` is what PUBSUB_EMULATOR_HOST / FIRESTORE_EMULATOR_HOST take.
 */
export const startEmulator = (kind: GcloudEmulatorKind): Promise<Emulator> => startGcloudEmulator(kind, "queuestack-test");

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
        this.timeout(90_000);
        started = await Promise.all([startEmulator("pubsub"), startEmulator("firestore")]);
        clients.pubsub = googleApi({ baseUrl: "https://pubsub.googleapis.com", emulatorHost: started[0]!.hostPort });
        clients.firestore = googleApi({ baseUrl: "https://firestore.googleapis.com", emulatorHost: started[1]!.hostPort });
    });
    after(() => Promise.all(started.map((emulator) => emulator.stop())));
    return clients;
}
