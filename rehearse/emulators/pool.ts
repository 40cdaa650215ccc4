import { startAzuriteBlob } from "./azurite";
import { startGcloudEmulator } from "./gcloud";
import { startMoto, type MotoEmulator } from "./moto";
import type { Emulator } from "./process";

/**
 * The emulators of one run, each started on first use and shared by every stack rehearsed after
 * (the stand-ups reset or name their resources apart). `stop()` stops all of them by process id.
 */
export class EmulatorPool {
    private readonly running = new Map<string, Promise<Emulator>>();

    /** @param progress told when an emulator starts and is ready (the slow part of a rehearsal). */
    constructor(private readonly progress: (line: string) => void = () => undefined) {}

    moto(): Promise<MotoEmulator> {
        return this.get("moto_server", startMoto) as Promise<MotoEmulator>;
    }

    pubsub(project: string): Promise<Emulator> {
        return this.get("gcloud pubsub emulator", () => startGcloudEmulator("pubsub", project));
    }

    firestore(project: string): Promise<Emulator> {
        return this.get("gcloud firestore emulator", () => startGcloudEmulator("firestore", project));
    }

    azuriteBlob(): Promise<Emulator> {
        return this.get("Azurite Blob", startAzuriteBlob);
    }

    async stop(): Promise<void> {
        const all = [...this.running.values()];
        this.running.clear();
        await Promise.all(all.map((started) => started.then((emulator) => emulator.stop(), () => undefined)));
    }

    private get(label: string, start: () => Promise<Emulator>): Promise<Emulator> {
        let started = this.running.get(label);
        if (!started) {
            const began = Date.now();
            this.progress(`starting ${label} on 127.0.0.1 ...`);
            started = start().then((emulator) => {
                this.progress(`${label} ready on ${emulator.hostPort} (${((Date.now() - began) / 1000).toFixed(1)} s)`);
                return emulator;
            });
            started.catch(() => this.running.delete(label));
            this.running.set(label, started);
        }
        return started;
    }
}
