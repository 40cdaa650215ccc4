import { testEmulators } from "./helpers/emulators";

/**
 * Root hooks for every mocha run (loaded through .mocharc.json `require`). Run serially, `afterAll`
 * runs once after the last file and stops the emulators the suites shared. With `--parallel`, each
 * worker process runs many files in turn and mocha runs root hooks after each one, so a worker keeps
 * its emulators for the files after and stops them when it exits (the emulator launcher kills its
 * process groups on exit; a worker ended by a signal exits through the same path).
 */
const inWorker = process.env.MOCHA_WORKER_ID !== undefined;

if (inWorker) {
    for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => process.exit(128 + (signal === "SIGTERM" ? 15 : 2)));
}

export const mochaHooks = {
    async afterAll(): Promise<void> {
        if (!inWorker) await testEmulators.stop();
    },
};
