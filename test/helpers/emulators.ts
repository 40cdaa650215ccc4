import { EmulatorPool } from "../../rehearse/emulators/pool";

/**
 * The emulators of this test process (moto_server, the gcloud Pub/Sub and Firestore emulators),
 * each started on first use on a free 127.0.0.1 port and shared by every suite that runs after it:
 * a suite keeps apart from the others by naming its queues, tables, topics, subscriptions and
 * Firestore projects after itself, never by a fresh emulator. The root hooks in test/hooks.ts stop
 * them by process id after the last suite (with `--parallel`, when each worker process exits).
 */
export const testEmulators = new EmulatorPool();

/** The project the gcloud emulators start with (requests name their own project in the path). */
export const emulatorProject = "queuestack-test";
