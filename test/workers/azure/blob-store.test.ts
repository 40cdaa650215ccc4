import { strict as assert } from "node:assert";
import { AzureBlobStore, blobStoreFromEnv } from "../../../workers/azure/blob-store";
import { BlobNotFoundError, checkIn, checkOut, PermanentError } from "../../../workers/runtime";
import { BlobContainerFake } from "./blob-container-fake";

describe("azure: AzureBlobStore on the BlobContainer fake (claim check)", () => {
    it("round-trips a 5 MiB body through checkIn and checkOut, stored as one JSON block blob under its key", async () => {
        const container = new BlobContainerFake();
        const store = new AzureBlobStore(container);
        const body = JSON.stringify({ pages: "p".repeat(5 * 1024 * 1024) });
        const reference = await checkIn(body, 60 * 1024, store, "jobs/0b6c5f7e-4a55-4f3e-9a39-2f1c0f1d6a10");
        assert.deepEqual([...container.blobs.keys()], ["jobs/0b6c5f7e-4a55-4f3e-9a39-2f1c0f1d6a10"]);
        assert.equal(container.blobs.get("jobs/0b6c5f7e-4a55-4f3e-9a39-2f1c0f1d6a10")!.contentType, "application/json");
        assert.equal(await checkOut(reference, store), body);
    });

    it("reports a blob that is not there (404 BlobNotFound) as BlobNotFoundError, so the message is dead-lettered with the reason", async () => {
        const store = new AzureBlobStore(new BlobContainerFake());
        await assert.rejects(store.get("jobs/gone"), (error: unknown) => error instanceof BlobNotFoundError && error.key === "jobs/gone");
        const reference = JSON.stringify({ queuestackClaimCheck: { key: "jobs/gone", bytes: 10, sha256: "0".repeat(64) } });
        await assert.rejects(checkOut(reference, store), (error: unknown) =>
            error instanceof PermanentError && error.message === 'the claim-checked body "jobs/gone" is missing from the blob store (expired or never written)');
    });

    it("rethrows other failures as they are (throttling, a missing role), so the message is retried", async () => {
        const container = new BlobContainerFake();
        const store = new AzureBlobStore(container);
        await store.put("jobs/a", Buffer.from("{}"));
        container.failNext(403, "AuthorizationPermissionMismatch");
        await assert.rejects(store.get("jobs/a"), (error: unknown) => (error as { statusCode: number }).statusCode === 403 && !(error instanceof BlobNotFoundError));
        container.failNext(503, "ServerBusy");
        await assert.rejects(store.put("jobs/b", Buffer.from("{}")), { code: "ServerBusy" });
        assert.deepEqual([...container.blobs.keys()], ["jobs/a"]);
    });

    it("opens the container named by QUEUESTACK_LARGE_MESSAGES_URL, and none without it", () => {
        assert.ok(blobStoreFromEnv({ QUEUESTACK_LARGE_MESSAGES_URL: "https://shopdevlarge123abc.blob.core.windows.net/large-messages" }) instanceof AzureBlobStore);
        assert.equal(blobStoreFromEnv({}), undefined);
    });
});
