import { existsSync } from "node:fs";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { answers, EmulatorError, launch, type Emulator } from "./process";

/** Azurite's well-known development account (https://learn.microsoft.com/azure/storage/common/storage-use-azurite). */
export const azuriteAccount = {
    name: "devstoreaccount1",
    key: "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
};

/** The azurite-blob launcher installed with the package's dev dependencies. */
function azuriteBlobBin(): string {
    const bin = path.resolve(__dirname, "..", "..", "node_modules", ".bin", "azurite-blob");
    if (!existsSync(bin)) throw new EmulatorError(`azurite-blob was not found at ${bin}; install it with \`npm install --save-dev azurite\`.`);
    return bin;
}

/** Starts Azurite's Blob service on a free 127.0.0.1 port, its data in a throwaway folder removed on stop. */
export async function startAzuriteBlob(): Promise<Emulator> {
    const workDir = mkdtempSync(path.join(tmpdir(), "queuestack-azurite-"));
    const emulator = await launch({
        label: "Azurite Blob",
        command: (port) => ({
            program: azuriteBlobBin(),
            args: ["--blobHost", "127.0.0.1", "--blobPort", String(port), "--location", workDir, "--skipApiVersionCheck", "--silent"],
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
