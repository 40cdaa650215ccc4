/**
 * A small JSON client for Google Cloud REST APIs (Pub/Sub, Firestore), so bundles stay free of the
 * gRPC client libraries. On Google Cloud it authenticates with the runtime service account's token
 * from the metadata server; with an emulator host set it talks plain HTTP without credentials.
 */

import { metadataTokens, processMetadataTokens, type TokenSource } from "../runtime/google-metadata-tokens";

export type { TokenSource } from "../runtime/google-metadata-tokens";

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
    /** `https://pubsub.googleapis.com`, `https://firestore.googleapis.com`, `https://storage.googleapis.com`... */
    baseUrl: string;
    /** `host:port` of an emulator or test server (PUBSUB_EMULATOR_HOST...); plain HTTP without credentials then. */
    emulatorHost?: string;
    /** Where access tokens come from. @default the metadata server (metadataTokens) */
    tokens?: TokenSource;
    /** The fetch implementation. @default global fetch */
    fetchImpl?: typeof fetch;
    /** Path prefix of the JSON API (googleApi only). @default "v1" (Cloud Tasks: "v2", Cloud Storage: "storage/v1") */
    version?: string;
}

/** Per-call options: `signal` cancels the request (the caller's AbortSignal). @default none */
export interface GoogleCallOptions {
    signal?: AbortSignal;
}

/** Sends `method <base>/<path>` with `body` and the caller's token; the raw response, whatever its status. */
export type GoogleFetch = (method: string, path: string, body?: { data: Buffer | string; contentType: string }, options?: GoogleCallOptions) => Promise<Response>;

/** An authorized request function for one Google API (or its emulator). */
export function googleFetch(options: GoogleApiOptions): GoogleFetch {
    const fetchImpl = options.fetchImpl ?? fetch;
    const base = options.emulatorHost ? `http://${options.emulatorHost}` : options.baseUrl;
    const tokens = options.emulatorHost
        ? undefined
        : (options.tokens ?? (options.fetchImpl ? metadataTokens(options.fetchImpl) : processMetadataTokens()));
    return async (method, path, body, options) => {
        const headers: Record<string, string> = body ? { "content-type": body.contentType } : {};
        if (tokens) headers.authorization = `Bearer ${await tokens()}`;
        return fetchImpl(`${base}/${path}`, { method, headers, body: body?.data, ...(options?.signal ? { signal: options.signal } : {}) });
    };
}

/** The GoogleApiError of a failed response (its JSON `error.status` and `error.message` when present). */
export async function googleApiError(response: Response, method: string, path: string): Promise<GoogleApiError> {
    const text = await response.text();
    let error: { status?: string; message?: string } | undefined;
    try {
        error = (JSON.parse(text) as { error?: { status?: string; message?: string } }).error;
    } catch {
        error = undefined;
    }
    return new GoogleApiError(response.status, error?.status ?? String(response.status), `${method} ${path}: ${error?.message ?? text}`);
}

/** Calls `method path` with a JSON body and returns the parsed JSON answer. */
export type GoogleApiCall = <T>(method: string, path: string, body?: unknown, options?: GoogleCallOptions) => Promise<T>;

/** A JSON client for one Google API: paths are relative to `<base>/<version>/`. */
export function googleApi(options: GoogleApiOptions): GoogleApiCall {
    const send = googleFetch(options);
    const version = options.version ?? "v1";
    return async <T>(method: string, path: string, body?: unknown, options?: GoogleCallOptions): Promise<T> => {
        const response = await send(method, `${version}/${path}`, body === undefined ? undefined : { data: JSON.stringify(body), contentType: "application/json" }, options);
        if (!response.ok) throw await googleApiError(response, method, path);
        const text = await response.text();
        return (text ? JSON.parse(text) : {}) as T;
    };
}
