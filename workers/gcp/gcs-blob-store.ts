import { type BlobStore, BlobNotFoundError, type Env } from "../runtime";
import { type GoogleFetch, googleApiError, googleFetch } from "./google-api";

/** A Cloud Storage client for the JSON API; `STORAGE_EMULATOR_HOST` (host:port) points it at a local server. */
export function storageFetch(env: Env): GoogleFetch {
    return googleFetch({ baseUrl: "https://storage.googleapis.com", emulatorHost: env.STORAGE_EMULATOR_HOST?.replace(/^https?:\/\//, "") });
}

/** The claim-check bucket of QUEUESTACK_BLOB_BUCKET (set when spec largeMessages is on); undefined when unset. */
export function gcsBlobStoreFromEnv(env: Env): GcsBlobStore | undefined {
    return env.QUEUESTACK_BLOB_BUCKET ? new GcsBlobStore(storageFetch(env), env.QUEUESTACK_BLOB_BUCKET) : undefined;
}

/**
 * Claim-checked bodies in a Cloud Storage bucket, over the JSON API: `put` is a simple media
 * upload (`uploadType=media`, up to 5 TiB in one request), `get` a media download (`alt=media`).
 * A missing object is BlobNotFoundError (expired by the lifecycle rule, or never written).
 */
export class GcsBlobStore implements BlobStore {
    /**
     * @param send an authorized Cloud Storage request function (see storageFetch)
     * @param bucket the bucket name (QUEUESTACK_BLOB_BUCKET)
     */
    constructor(
        private readonly send: GoogleFetch,
        private readonly bucket: string,
    ) {}

    async put(key: string, body: Buffer): Promise<void> {
        const path = `upload/storage/v1/b/${encodeURIComponent(this.bucket)}/o?uploadType=media&name=${encodeURIComponent(key)}`;
        const response = await this.send("POST", path, { data: body, contentType: "application/octet-stream" });
        if (!response.ok) throw await googleApiError(response, "POST", path);
        await response.arrayBuffer();
    }

    async get(key: string): Promise<Buffer> {
        const path = `storage/v1/b/${encodeURIComponent(this.bucket)}/o/${encodeURIComponent(key)}?alt=media`;
        const response = await this.send("GET", path);
        if (response.status === 404) {
            await response.arrayBuffer();
            throw new BlobNotFoundError(key);
        }
        if (!response.ok) throw await googleApiError(response, "GET", path);
        return Buffer.from(await response.arrayBuffer());
    }
}
