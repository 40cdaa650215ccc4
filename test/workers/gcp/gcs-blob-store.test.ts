import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { BlobNotFoundError, checkIn, checkOut } from "../../../workers/runtime";
import { GcsBlobStore, storageFetch } from "../../../workers/gcp/gcs-blob-store";
import { type FakeGoogleServer, fakeStorage, startFakeGoogleServer } from "./fake-google-server";

describe("GcsBlobStore (fake Cloud Storage JSON API server on 127.0.0.1)", () => {
    let fake: FakeGoogleServer;
    let store: GcsBlobStore;
    const objects = new Map<string, Buffer>();

    before(async () => {
        fake = await startFakeGoogleServer(fakeStorage(objects));
        store = new GcsBlobStore(storageFetch({ STORAGE_EMULATOR_HOST: `http://${fake.host}` }), "shop-bodies");
    });
    after(() => fake.close());
    beforeEach(() => {
        fake.requests.length = 0;
        objects.clear();
    });

    it("uploads with a media upload and downloads with alt=media, keys URL-encoded", async () => {
        await store.put("scrape/job 1", Buffer.from("hello"));
        assert.deepEqual(await store.get("scrape/job 1"), Buffer.from("hello"));
        assert.deepEqual(fake.requests.map((r) => [r.method, r.url, r.headers["content-type"]]), [
            ["POST", "/upload/storage/v1/b/shop-bodies/o?uploadType=media&name=scrape%2Fjob%201", "application/octet-stream"],
            ["GET", "/storage/v1/b/shop-bodies/o/scrape%2Fjob%201?alt=media", undefined],
        ]);
        assert.equal(fake.requests[0]!.headers.authorization, undefined, "no credentials against a local server");
    });

    it("answers a missing object with BlobNotFoundError, and other failures with the API's error", async () => {
        await assert.rejects(store.get("scrape/gone"), (error: unknown) => error instanceof BlobNotFoundError && error.key === "scrape/gone");
        const broken = new GcsBlobStore(storageFetch({ STORAGE_EMULATOR_HOST: fake.host }), "shop-bodies");
        await assert.rejects(broken.get(""), { name: "GoogleApiError", status: "INVALID_ARGUMENT" });
    });

    it("round-trips a 5 MB body through the claim check, sha256-verified", async () => {
        const body = JSON.stringify({ blob: "x".repeat(5 * 1024 * 1024) });
        const reference = await checkIn(body, 256 * 1024 - 4096, store, "scrape/big");
        const parsed = JSON.parse(reference).queuestackClaimCheck;
        assert.deepEqual(parsed, { key: "scrape/big", bytes: body.length, sha256: createHash("sha256").update(body).digest("hex") });
        assert.equal(objects.get("shop-bodies/scrape/big")!.length, body.length);
        assert.equal(await checkOut(reference, store), body);
        objects.set("shop-bodies/scrape/big", Buffer.from(body.replace("xx", "xy")));
        await assert.rejects(checkOut(reference, store), { name: "PermanentError", message: /does not match its reference/ });
    });
});
