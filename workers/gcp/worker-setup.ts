import {
    type Env,
    type IdempotencyKeySource,
    type Logger,
    type Message,
    type Processor,
    type RuntimeSettings,
    createProcessor,
    idempotencyKeyOf,
    readRuntimeSettings,
    requireString,
    workerFromModule,
} from "../runtime";
import { FirestoreWorkerStore } from "./firestore-store";
import { gcsBlobStoreFromEnv } from "./gcs-blob-store";
import { type GoogleApiCall, googleApi } from "./google-api";
import { messagingSystems } from "../runtime/tracing/semconv";
import { settleSpansFromEnv } from "../runtime/tracing/settle-env";

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

/** The stack's Firestore store (QUEUESTACK_PROJECT_ID, QUEUESTACK_FIRESTORE_DATABASE): idempotency keys and job records. */
export function firestoreStoreFromEnv(env: Env, api: GoogleApiCall = firestoreApi(env)): FirestoreWorkerStore {
    return new FirestoreWorkerStore({
        api,
        projectId: requireString(env, "QUEUESTACK_PROJECT_ID", "the Google Cloud project holding the stack"),
        databaseId: requireString(env, "QUEUESTACK_FIRESTORE_DATABASE", "the Firestore database holding idempotency keys and job records"),
    });
}

/**
 * The idempotency key source on Pub/Sub: with `messageId` keys, the sender's deduplication id
 * (attribute queuestack-deduplication-id) stands in for the message id, so two messages sent with
 * one deduplication id run once (Pub/Sub itself deduplicates only redeliveries, with exactly-once).
 */
function senderDeduplicated<TBody>(source: IdempotencyKeySource<TBody>): IdempotencyKeySource<TBody> {
    if (source !== "messageId") return source;
    return (message: Message<TBody>) => message.deduplicationId ?? idempotencyKeyOf(message, "messageId");
}

/**
 * Reads the worker environment (QUEUESTACK_PROJECT_ID, QUEUESTACK_FIRESTORE_DATABASE,
 * QUEUESTACK_QUEUE_NAME, QUEUESTACK_BLOB_BUCKET when large messages are on, and the runtime
 * settings), checks the module's export and builds the processor over the Firestore store.
 */
export function gcpWorkerFromEnv(exported: unknown, env: Env, logger: Logger, api: GoogleApiCall = firestoreApi(env)): GcpWorker {
    const worker = workerFromModule(exported, "The worker module (spec workers[].code)");
    const settings = readRuntimeSettings(env);
    const store = firestoreStoreFromEnv(env, api);
    const scope = requireString(env, "QUEUESTACK_QUEUE_NAME", "the spec name of the queue this worker consumes");
    const blobStore = gcsBlobStoreFromEnv(env);
    const keyed = { ...worker, idempotencyKey: senderDeduplicated(worker.idempotencyKey ?? settings.idempotency.key) };
    return { processor: createProcessor({ worker: keyed, settings, store, logger, scope, blobStore, messagingSystem: messagingSystems.gcp, settleSpans: settleSpansFromEnv(env) }), settings, store };
}
