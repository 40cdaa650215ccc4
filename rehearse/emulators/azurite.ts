import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { answers, EmulatorError, launch, type Emulator } from "./process";

/** Azurite's well-known development account (https://learn.microsoft.com/azure/storage/common/storage-use-azurite). */
export const azuriteAccount = {
    name: "devstoreaccount1",
    key: "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
};

/**
 * The azurite-blob launcher: azurite's own `bin` entry, resolved from the project being rehearsed
 * (the current directory) or from queuestack's own install (this repository's dev dependency).
 */
function azuriteBlobMain(): string {
    let manifest: string;
    try {
        manifest = require.resolve("azurite/package.json", { paths: [process.cwd(), __dirname] });
    } catch {
        throw new EmulatorError("azurite is not installed (the Azure rehearsal runs its Blob service); install it with `npm install --save-dev azurite`.");
    }
    const { bin } = JSON.parse(readFileSync(manifest, "utf8")) as { bin: Record<string, string> };
    return path.join(path.dirname(manifest), bin["azurite-blob"]);
}

/** Starts Azurite's Blob service on a free 127.0.0.1 port, its data in a throwaway folder removed on stop. */
export async function startAzuriteBlob(): Promise<Emulator> {
    const workDir = mkdtempSync(path.join(tmpdir(), "queuestack-azurite-"));
    const emulator = await launch({
        label: "Azurite Blob",
        command: (port) => ({
            program: process.execPath,
            args: [azuriteBlobMain(), "--blobHost", "127.0.0.1", "--blobPort", String(port), "--location", workDir, "--skipApiVersionCheck", "--silent"],
        }),
        // Any HTTP answer (400 for a bare GET) means it is serving.
        ready: (endpoint) => answers(`${endpoint}/`),
    });
    return {
        ...emulator,
        stop: async () => {
            await emulator.stop();
            rmSync(workDir, { recursive: true, force: true });
        },
    };
}
