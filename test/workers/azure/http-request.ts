import type { FrontEndRequest } from "../../../workers/azure/front-end-handler";

/** The API key the front-end tests' environments carry. */
export const apiKey = "k3y-for-tests";

/** An @azure/functions-like request to the front end, on the catch-all route `path`. */
export function request(method: string, path: string, body = "", headers: Record<string, string> = { "x-api-key": apiKey }, query: Record<string, string> = {}): FrontEndRequest {
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    return {
        method,
        params: { path },
        headers: { get: (name) => lower[name.toLowerCase()] ?? null },
        query: { get: (name) => query[name] ?? null },
        arrayBuffer: async () => new Uint8Array(Buffer.from(body)).buffer,
    };
}
