import { answers, launch, type Emulator } from "./process";

/** moto_server with its IAM authorization switch. */
export interface MotoEmulator extends Emulator {
    /**
     * Turns moto's IAM authorization on (every request must be signed by a known key whose
     * policies allow the action) or off. Off while the rehearsal stands resources up.
     * See https://docs.getmoto.org/en/latest/docs/iam.html (INITIAL_NO_AUTH_ACTION_COUNT).
     */
    authorize(on: boolean): Promise<void>;
    /** Forgets every resource (between two stacks sharing one server) and turns authorization off. */
    reset(): Promise<void>;
}

const post = async (url: string, body: string) => {
    const response = await fetch(url, { method: "POST", body });
    if (!response.ok) throw new Error(`moto_server answered ${response.status} to ${url}: ${await response.text()}`);
};

/** Starts moto_server on a free 127.0.0.1 port, with IAM authorization off until `authorize(true)`. */
export async function startMoto(): Promise<MotoEmulator> {
    const emulator = await launch({
        label: "moto_server",
        command: (port) => ({ program: "moto_server", args: ["-H", "127.0.0.1", "-p", String(port)], env: { INITIAL_NO_AUTH_ACTION_COUNT: "inf" } }),
        ready: (endpoint) => answers(`${endpoint}/moto-api/`, (status) => status === 200),
    });
    const authorize = (on: boolean) => post(`${emulator.endpoint}/moto-api/reset-auth`, on ? "0" : "inf");
    return {
        ...emulator,
        authorize,
        reset: async () => {
            await authorize(false);
            await post(`${emulator.endpoint}/moto-api/reset`, "");
        },
    };
}
