import { strict as assert } from "node:assert";
import { googleApi } from "../../../workers/gcp/google-api";

describe("gcp: Google API client tokens", () => {
    const realFetch = globalThis.fetch;
    afterEach(() => {
        globalThis.fetch = realFetch;
    });

    it("asks the metadata server once for every client of the process, even for calls made side by side", async () => {
        const requests: { url: string; authorization?: string }[] = [];
        globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
            const url = String(input);
            const headers = (init?.headers ?? {}) as Record<string, string>;
            requests.push({ url, authorization: headers.authorization });
            if (url.includes("metadata.google.internal")) {
                await new Promise((resolve) => setTimeout(resolve, 20));
                return new Response(JSON.stringify({ access_token: "t-1", expires_in: 3600 }), { status: 200 });
            }
            return new Response("{}", { status: 200 });
        }) as typeof fetch;
        const pubsub = googleApi({ baseUrl: "https://pubsub.googleapis.com" });
        const firestore = googleApi({ baseUrl: "https://firestore.googleapis.com" });
        await Promise.all([pubsub("GET", "projects/p/topics/a"), pubsub("GET", "projects/p/topics/b"), firestore("GET", "projects/p/databases/d")]);
        await firestore("GET", "projects/p/databases/e");
        assert.equal(requests.filter((r) => r.url.includes("metadata.google.internal")).length, 1);
        assert.deepEqual(
            requests.filter((r) => !r.url.includes("metadata.google.internal")).map((r) => [r.url, r.authorization]).sort(),
            [
                ["https://firestore.googleapis.com/v1/projects/p/databases/d", "Bearer t-1"],
                ["https://firestore.googleapis.com/v1/projects/p/databases/e", "Bearer t-1"],
                ["https://pubsub.googleapis.com/v1/projects/p/topics/a", "Bearer t-1"],
                ["https://pubsub.googleapis.com/v1/projects/p/topics/b", "Bearer t-1"],
            ],
        );
    });
});
