import type { ContainerClientLike } from "../../../workers/azure/blob-store";

/** An error shaped like @azure/core-rest-pipeline's RestError (`statusCode`, `code`). */
export class BlobRestErrorFake extends Error {
    override readonly name = "RestError";
    constructor(
        readonly statusCode: number,
        readonly code: string,
        message: string,
    ) {
        super(message);
    }
}

/**
 * BlobContainer fake: an in-memory Blob Storage container at the @azure/storage-blob boundary
 * (`getBlockBlobClient(name).uploadData / downloadToBuffer`); no Azurite runs here. Reading a blob
 * that is not there fails as the service does: 404, code BlobNotFound. `failNext` makes the next
 * call fail with another status (throttling, a missing role).
 */
export class BlobContainerFake implements ContainerClientLike {
    readonly blobs = new Map<string, { data: Buffer; contentType?: string }>();
    private failure: BlobRestErrorFake | undefined;

    /** The next upload or download fails with `statusCode` and `code`. */
    failNext(statusCode: number, code: string): void {
        this.failure = new BlobRestErrorFake(statusCode, code, `${code} (fake)`);
    }

    getBlockBlobClient(blobName: string) {
        const fail = () => {
            const failure = this.failure;
            this.failure = undefined;
            if (failure) throw failure;
        };
        return {
            uploadData: async (data: Buffer, options?: { blobHTTPHeaders?: { blobContentType?: string } }) => {
                fail();
                this.blobs.set(blobName, { data: Buffer.from(data), contentType: options?.blobHTTPHeaders?.blobContentType });
                return {};
            },
            downloadToBuffer: async () => {
                fail();
                const blob = this.blobs.get(blobName);
                if (!blob) throw new BlobRestErrorFake(404, "BlobNotFound", "The specified blob does not exist.");
                return Buffer.from(blob.data);
            },
        };
    }
}
