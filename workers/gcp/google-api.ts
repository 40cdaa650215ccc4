/**
 * A small JSON client for Google Cloud REST APIs (Pub/Sub, Firestore), so bundles stay free of the
 * gRPC client libraries. On Google Cloud it authenticates with the runtime service account's token
 * from the metadata server; with an emulator host set it talks plain HTTP without credentials.
 */

/** Fetches an access token for the runtime's service account. */
export type TokenSource = () => Promise<string>;

const metadataTokenUrl = "http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token";

/** Tokens from the metadata server, cached until a minute before they expire. */
export function metadataTokens(fetchImpl: typeof fetch = fetch): TokenSource {
    let cached: { token: string; expiresAt: number } | undefined;
    return async () => {
        if (cached && Date.now() < cached.expiresAt) return cached.token;
        const response = await fetchImpl(metadataTokenUrl, { headers: { "Metadata-Flavor": "Google" } });
        if (!response.ok) throw new Error(`metadata server token request failed: ${response.status} ${await response.text()}`);
        const body = (await response.json()) as { access_token: string; expires_in: number };
        cached = { token: body.access_token, expiresAt: Date.now() + (body.expires_in - 60) * 1000 };
        return cached.token;
    };
}

/** An error answer from a Google API, with its HTTP status and the API's status name. */
export class GoogleApiError extends Error {
    override readonly name = "GoogleApiError";
    constructor(
        readonly httpStatus: number,
        readonly status: string,
        message: string,
    ) {
        super(message);
    }
}

export interface GoogleApiOptions {
    /** `https://pubsub.googleapis.com` or `https://firestore.googleapis.com`. */
    baseUrl: string;
    /** `host:port` of an emulator (PUBSUB_EMULATOR_HOST / FIRESTORE_EMULATOR_HOST); no credentials then. */
    emulatorHost?: string;
    tokens?: TokenSource;
    fetchImpl?: typeof fetch;
}

/** Calls `method path` with a JSON body and returns the parsed JSON answer. */
export type GoogleApiCall = <T>(method: string, path: string, body?: unknown) => Promise<T>;

export function googleApi(options: GoogleApiOptions): GoogleApiCall {
    const fetchImpl = options.fetchImpl ?? fetch;
    const base = options.emulatorHost ? `http://${options.emulatorHost}` : options.baseUrl;
    const tokens = options.emulatorHost ? undefined : (options.tokens ?? metadataTokens(fetchImpl));
    return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
        const headers: Record<string, string> = { "content-type": "application/json" };
        if (tokens) headers.authorization = `Bearer ${await tokens()}`;
        const response = await fetchImpl(`${base}/v1/${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
        const text = await response.text();
        const parsed = text ? (JSON.parse(text) as unknown) : {};
        if (!response.ok) {
            const error = (parsed as { error?: { status?: string; message?: string } }).error;
            throw new GoogleApiError(response.status, error?.status ?? String(response.status), `${method} ${path}: ${error?.message ?? text}`);
        }
        return parsed as T;
    };
}
