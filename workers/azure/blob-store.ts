import { DefaultAzureCredential } from "@azure/identity";
// A require, not an ESM import: bundlers then take the package's CommonJS build, whose crc64 module
// does not call createRequire(import.meta.url), which is undefined in the CommonJS bundles.
import storageBlob = require("@azure/storage-blob");
import { BlobNotFoundError, type BlobStore, type Env } from "../runtime";

/** The calls the store makes on a container (a real `ContainerClient` has them). */
export interface ContainerClientLike {
    getBlockBlobClient(blobName: string): {
        uploadData(data: Buffer, options?: { blobHTTPHeaders?: { blobContentType?: string } }): Promise<unknown>;
        downloadToBuffer(): Promise<Buffer>;
    };
}

/** A Blob Storage error for a blob (or container) that does not exist. */
function isMissing(error: unknown): boolean {
    const { statusCode, code } = (error ?? {}) as { statusCode?: number; code?: string };
    return statusCode === 404 || code === "BlobNotFound";
}

/**
 * Claim-checked bodies in one Blob Storage container: each body is a block blob named by its key
 * (`<queue>/<uuid>`). A missing blob (expired by the lifecycle policy, or never written) is a
 * `BlobNotFoundError`, so the worker dead-letters the message with the reason; any other failure
 * (throttling, an outage, a missing role) is rethrown as it is and the message is retried.
 */
export class AzureBlobStore implements BlobStore {
    /** `container`: the claim-check container, reached with the app's managed identity in production. */
    constructor(private readonly container: ContainerClientLike) {}

    async put(key: string, body: Buffer): Promise<void> {
        await this.container.getBlockBlobClient(key).uploadData(body, { blobHTTPHeaders: { blobContentType: "application/json" } });
    }

    async get(key: string): Promise<Buffer> {
        try {
            return await this.container.getBlockBlobClient(key).downloadToBuffer();
        } catch (error) {
            if (isMissing(error)) throw new BlobNotFoundError(key);
            throw error;
        }
    }
}

/**
 * The claim-check store at QUEUESTACK_LARGE_MESSAGES_URL (`https://<account>.blob.core.windows.net/<container>`),
 * reached with DefaultAzureCredential (the managed identity; the account refuses shared keys);
 * undefined when the setting is absent (spec largeMessages off).
 */
export function blobStoreFromEnv(env: Env): AzureBlobStore | undefined {
    const url = env.QUEUESTACK_LARGE_MESSAGES_URL;
    return url ? new AzureBlobStore(new storageBlob.ContainerClient(url, new DefaultAzureCredential())) : undefined;
}
