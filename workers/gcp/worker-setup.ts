import { createProcessor, readRuntimeSettings, requireString, workerFromModule, type Env, type Logger, type Processor, type RuntimeSettings } from "../runtime";
import { FirestoreWorkerStore } from "./firestore-store";
import { type GoogleApiCall, googleApi } from "./google-api";

/** Everything a GCP worker (push function or VM poller) runs with. */
export interface GcpWorker {
    processor: Processor;
    settings: RuntimeSettings;
    store: FirestoreWorkerStore;
}

/** A Firestore REST client: the emulator when FIRESTORE_EMULATOR_HOST is set. */
export function firestoreApi(env: Env): GoogleApiCall {
    return googleApi({ baseUrl: "https://firestore.googleapis.com", emulatorHost: env.FIRESTORE_EMULATOR_HOST });
}

/**
 * Reads the worker environment (QUEUESTACK_PROJECT_ID, QUEUESTACK_FIRESTORE_DATABASE,
 * QUEUESTACK_QUEUE_NAME and the runtime settings), checks the module's export and builds the
 * processor over the Firestore store.
 */
export function gcpWorkerFromEnv(exported: unknown, env: Env, logger: Logger, api: GoogleApiCall = firestoreApi(env)): GcpWorker {
    const worker = workerFromModule(exported, "The worker module (spec workers[].code)");
    const settings = readRuntimeSettings(env);
    const store = new FirestoreWorkerStore({
        api,
        projectId: requireString(env, "QUEUESTACK_PROJECT_ID", "the Google Cloud project holding the stack"),
        databaseId: requireString(env, "QUEUESTACK_FIRESTORE_DATABASE", "the Firestore database holding idempotency keys and job results"),
    });
    const scope = requireString(env, "QUEUESTACK_QUEUE_NAME", "the spec name of the queue this worker consumes");
    return { processor: createProcessor({ worker, settings, store, logger, scope }), settings, store };
}
