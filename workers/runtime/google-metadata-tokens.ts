/**
 * Access tokens of the runtime's Google service account from the metadata server (Cloud Run
 * functions and Compute Engine alike), shared by the GCP adapters' REST clients
 * (workers/gcp/google-api.ts) and the trace exporter to Cloud Trace (tracing/otlp-exporter.ts).
 */

/** Fetches an access token for the runtime's service account. */
export type TokenSource = () => Promise<string>;

/**
 * The metadata server's token URL; `GCE_METADATA_HOST` (`host:port`, the variable Google's auth
 * libraries read) points it elsewhere, e.g. a test server.
 */
export function metadataTokenUrl(env: NodeJS.ProcessEnv = process.env): string {
    return `http://${env.GCE_METADATA_HOST || "metadata.google.internal"}/computeMetadata/v1/instance/service-accounts/default/token`;
}

/**
 * Tokens from the metadata server, cached until a minute before they expire. Calls made while a
 * token is being fetched wait for that one request instead of each asking the metadata server.
 */
export function metadataTokens(fetchImpl: typeof fetch, url = metadataTokenUrl()): TokenSource {
    let cached: { token: string; expiresAt: number } | undefined;
    let pending: Promise<string> | undefined;
    const fetchToken = async () => {
        const response = await fetchImpl(url, { headers: { "Metadata-Flavor": "Google" } });
        if (!response.ok) throw new Error(`metadata server token request failed: ${response.status} ${await response.text()}`);
        const body = (await response.json()) as { access_token: string; expires_in: number };
        cached = { token: body.access_token, expiresAt: Date.now() + (body.expires_in - 60) * 1000 };
        return cached.token;
    };
    return () => {
        if (cached && Date.now() < cached.expiresAt) return Promise.resolve(cached.token);
        pending ??= fetchToken().finally(() => (pending = undefined));
        return pending;
    };
}

const processTokens = new Map<string, TokenSource>();

/**
 * The process's one metadata token source per token URL on the global fetch: every client (Pub/Sub,
 * Firestore, Cloud Tasks, Cloud Storage, the trace exporter) uses the same service account token,
 * so they share its cache and its pending request.
 */
export function processMetadataTokens(url = metadataTokenUrl()): TokenSource {
    let tokens = processTokens.get(url);
    if (!tokens) processTokens.set(url, (tokens = metadataTokens((input, init) => fetch(input, init), url)));
    return tokens;
}
